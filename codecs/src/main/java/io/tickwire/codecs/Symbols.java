package io.tickwire.codecs;

/**
 * Instrument symbols: 1 to 16 characters of {@code A-Z a-z 0-9 . - _ /}, as stored in the schema's
 * fixed 16-byte {@code Symbol} field.
 */
public final class Symbols
{
    public static final int MAX_LENGTH = 16;

    private Symbols()
    {
    }

    /**
     * @return true if {@code symbol} is a valid symbol.
     */
    public static boolean isValid(final CharSequence symbol)
    {
        final int length = symbol.length();
        if (length == 0 || length > MAX_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = symbol.charAt(i);
            final boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_' || c == '/';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
