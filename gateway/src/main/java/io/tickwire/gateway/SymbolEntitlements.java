package io.tickwire.gateway;

import io.tickwire.codecs.Symbols;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The symbols a principal may subscribe to, from the token's {@code sym} claim: exact symbols
 * ({@code "ETH-USD"}) and prefix patterns ending in {@code *} ({@code "BTC-*"}; a lone {@code "*"} allows
 * every symbol). Immutable and thread safe; {@link #allows} does not allocate.
 */
public final class SymbolEntitlements
{
    /** Most patterns one token may carry. */
    public static final int MAX_PATTERNS = 256;

    /** Every symbol: no {@code sym} claim, or no token where none is required. */
    public static final SymbolEntitlements ALL = new SymbolEntitlements(true, Set.of(), new String[0], List.of("*"));

    private final boolean all;
    private final Set<String> exact;
    private final String[] prefixes;
    private final List<String> patterns;

    private SymbolEntitlements(
        final boolean all, final Set<String> exact, final String[] prefixes, final List<String> patterns)
    {
        this.all = all;
        this.exact = exact;
        this.prefixes = prefixes;
        this.patterns = patterns;
    }

    /**
     * @param patterns exact symbols (valid per {@link Symbols}) or a valid symbol prefix followed by {@code *},
     *                 or {@code *}; an empty list allows nothing.
     * @throws IllegalArgumentException naming the first invalid pattern, or if there are more than
     *                                  {@link #MAX_PATTERNS}.
     */
    public static SymbolEntitlements of(final List<String> patterns)
    {
        if (patterns.size() > MAX_PATTERNS)
        {
            throw new IllegalArgumentException("more than " + MAX_PATTERNS + " symbol patterns");
        }
        final Set<String> exact = new HashSet<>();
        final List<String> prefixes = new ArrayList<>();
        boolean all = false;
        for (final String pattern : patterns)
        {
            if ("*".equals(pattern))
            {
                all = true;
            }
            else if (pattern.endsWith("*"))
            {
                final String prefix = pattern.substring(0, pattern.length() - 1);
                if (prefix.length() >= Symbols.MAX_LENGTH || !Symbols.isValid(prefix))
                {
                    throw new IllegalArgumentException("invalid symbol pattern '" + excerpt(pattern) + "'");
                }
                prefixes.add(prefix);
            }
            else
            {
                if (!Symbols.isValid(pattern))
                {
                    throw new IllegalArgumentException("invalid symbol pattern '" + excerpt(pattern) + "'");
                }
                exact.add(pattern);
            }
        }
        return new SymbolEntitlements(all, Set.copyOf(exact), prefixes.toArray(new String[0]), List.copyOf(patterns));
    }

    /**
     * @return true if {@code symbol} matches an exact symbol or a prefix pattern.
     */
    public boolean allows(final String symbol)
    {
        if (all || exact.contains(symbol))
        {
            return true;
        }
        for (final String prefix : prefixes)
        {
            if (symbol.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return true if every symbol is allowed.
     */
    public boolean allowsAll()
    {
        return all;
    }

    /**
     * @return the patterns as given.
     */
    public List<String> patterns()
    {
        return patterns;
    }

    @Override
    public String toString()
    {
        return patterns.toString();
    }

    private static String excerpt(final String text)
    {
        return text.length() <= 32 ? text : text.substring(0, 32) + "...";
    }
}
