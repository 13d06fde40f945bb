package io.tickwire.engine.feed;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tickwire.engine.feed.FeedFormatException.Kind;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads one NDJSON line with Jackson's streaming parser: exactly one JSON object whose members are
 * {@link FeedFields} (exact names). Values may be strings or numbers (a number's literal text is kept, so
 * {@code 101.25} and {@code "101.25"} are the same); {@code null} is absent. Unknown members are ignored;
 * duplicate members, nested values for known members and anything after the object are errors.
 */
final class JsonLineParser implements LineParser
{
    private final JsonFactory factory = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    @Override
    public boolean parse(final byte[] line, final int length, final CharSequence[] fields)
    {
        for (int i = 0; i < FeedFields.COUNT; i++)
        {
            fields[i] = null;
        }
        try (JsonParser parser = factory.createParser(line, 0, length))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                throw new LineException(Kind.MALFORMED, "expected a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final int field = FeedFields.byName(name);
                final JsonToken value = parser.nextToken();
                if (field < 0)
                {
                    parser.skipChildren();
                    continue;
                }
                switch (value)
                {
                    case VALUE_STRING:
                    case VALUE_NUMBER_INT:
                    case VALUE_NUMBER_FLOAT:
                        fields[field] = parser.getText();
                        break;
                    case VALUE_NULL:
                        fields[field] = null;
                        break;
                    default:
                        throw new LineException(Kind.MALFORMED, "'" + name + "' must be a string or a number");
                }
            }
            if (parser.nextToken() != null)
            {
                throw new LineException(Kind.MALFORMED, "unexpected content after the JSON object");
            }
        }
        catch (final JsonProcessingException ex)
        {
            final String where = ex.getLocation() == null ? "" : " at column " + ex.getLocation().getColumnNr();
            throw new LineException(Kind.MALFORMED, "bad JSON" + where + ": " + ex.getOriginalMessage());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return true;
    }
}
