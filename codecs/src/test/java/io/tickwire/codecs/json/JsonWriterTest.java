package io.tickwire.codecs.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonWriterTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonName A = JsonName.of("a");
    private static final JsonName B = JsonName.of("b");
    private static final JsonName C = JsonName.of("c");

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
    private final JsonWriter writer = new JsonWriter().wrap(buffer, 0);

    @Example
    void insertsCommasBetweenMembersAndElements()
    {
        writer.startObject()
            .name(A).longValue(1)
            .name(B).startArray().longValue(2).bool(true).nullValue().startObject().endObject().startArray().endArray()
            .endArray()
            .name(C).startObject().name(A).string("x").endObject()
            .endObject();

        assertThat(text()).isEqualTo("{\"a\":1,\"b\":[2,true,null,{},[]],\"c\":{\"a\":\"x\"}}");
        assertThat(writer.depth()).isZero();
    }

    @Example
    void writesTopLevelValuesBackToBackWithoutComma()
    {
        writer.startObject().name(A).longValue(1).endObject();
        final int first = writer.length();
        writer.startObject().name(B).bool(false).endObject();

        assertThat(text()).isEqualTo("{\"a\":1}{\"b\":false}");
        assertThat(first).isEqualTo(7);
    }

    @Example
    void resetStartsAgainAtTheWrapOffset()
    {
        final UnsafeBuffer fixed = new UnsafeBuffer(new byte[64]);
        writer.wrap(fixed, 10).startArray().longValue(1).endArray();
        writer.reset().startArray().longValue(2).endArray();

        assertThat(writer.offset()).isEqualTo(10);
        assertThat(writer.position()).isEqualTo(13);
        assertThat(fixed.getStringWithoutLengthUtf8(10, writer.length())).isEqualTo("[2]");
    }

    @Example
    void escapesQuotesBackslashAndControlCharacters()
    {
        writer.string("q\"b\\s/\b\f\n\r\t\u0000\u0001\u001f\u007f");

        assertThat(text()).isEqualTo("\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\u007f\"");
    }

    @Example
    void writesNonAsciiAsUtf8()
    {
        writer.startArray().string("é").string("€").string("😀").string("日本").endArray();

        assertThat(text()).isEqualTo("[\"é\",\"€\",\"😀\",\"日本\"]");
        assertThat(writer.length()).isEqualTo(2 + (2 + 2) + 1 + (3 + 2) + 1 + (4 + 2) + 1 + (6 + 2));
    }

    @Example
    void escapesLineAndParagraphSeparators()
    {
        writer.string("a\u2028b\u2029c");

        assertThat(text()).isEqualTo("\"a\\u2028b\\u2029c\"");
    }

    @Example
    void replacesLoneSurrogatesWithTheReplacementCharacter()
    {
        writer.startArray().string("a\uD800b").string("\uDC00").string("x\uD83D").endArray();

        assertThat(text()).isEqualTo("[\"a\uFFFDb\",\"\uFFFD\",\"x\uFFFD\"]");
    }

    @Example
    void writesNullForANullString()
    {
        writer.startArray().string((CharSequence)null).endArray();

        assertThat(text()).isEqualTo("[null]");
    }

    @Property(tries = 2000)
    void anyStringParsesBackToTheSameValue(@ForAll("anyText") final String value) throws Exception
    {
        writer.reset().startArray().string(value).endArray();

        final byte[] bytes = bytes();
        assertValidUtf8(bytes);
        for (final byte b : bytes)
        {
            assertThat(b < 0 || b >= 0x20).as("raw control byte").isTrue();
        }
        assertThat(MAPPER.readTree(bytes).get(0).textValue()).isEqualTo(withLoneSurrogatesReplaced(value));
    }

    @Property(tries = 1000)
    void utf8BytesAreEscapedLikeStrings(@ForAll("anyText") final String value) throws Exception
    {
        final String wellFormed = withLoneSurrogatesReplaced(value);
        final byte[] utf8 = wellFormed.getBytes(StandardCharsets.UTF_8);
        writer.reset().startArray().stringUtf8(new UnsafeBuffer(utf8), 0, utf8.length).endArray();

        assertThat(MAPPER.readTree(bytes()).get(0).textValue()).isEqualTo(wellFormed);
    }

    @Property(tries = 2000)
    void longValueIsTheDecimalText(@ForAll final long value)
    {
        writer.reset().longValue(value);

        assertThat(text()).isEqualTo(Long.toString(value));
    }

    @Example
    void longExtremes()
    {
        writer.startArray().longValue(Long.MIN_VALUE).longValue(Long.MAX_VALUE).longValue(0).longValue(-1).endArray();

        assertThat(text()).isEqualTo("[-9223372036854775808,9223372036854775807,0,-1]");
    }

    @Example
    void decimalIsAQuotedCanonicalDecimal()
    {
        writer.startArray()
            .decimal(10125, 2).decimal(1500, 2).decimal(0, 4).decimal(-5, 1).decimal(Long.MIN_VALUE, 18)
            .endArray();

        assertThat(text()).isEqualTo("[\"101.25\",\"15\",\"0\",\"-0.5\",\"-9.223372036854775808\"]");
    }

    @Example
    void decimalNumberIsABareNumber()
    {
        writer.startArray().decimalNumber(500, 3).decimalNumber(1_000_000, 3).endArray();

        assertThat(text()).isEqualTo("[0.5,1000]");
    }

    @Example
    void rawWritesBytesVerbatimAsOneValue()
    {
        final byte[] id = "\"req-1\"".getBytes(StandardCharsets.US_ASCII);
        writer.startObject()
            .name(A).raw(id, 0, id.length)
            .name(B).raw(new UnsafeBuffer("1.50".getBytes(StandardCharsets.US_ASCII)), 0, 4)
            .endObject();

        assertThat(text()).isEqualTo("{\"a\":\"req-1\",\"b\":1.50}");
    }

    @Example
    void preEncodedNamesAndValues()
    {
        final JsonName odd = JsonName.of("we\"ird\n");
        writer.startObject().name(odd).string(odd).endObject();

        assertThat(text()).isEqualTo("{\"we\\\"ird\\n\":\"we\\\"ird\\n\"}");
        assertThat(odd.text()).isEqualTo("we\"ird\n");
        assertThat(odd.quotedLength()).isEqualTo(11);
    }

    @Example
    void growsAnExpandableDirectByteBuffer()
    {
        final ExpandableDirectByteBuffer direct = new ExpandableDirectByteBuffer(8);
        writer.wrap(direct, 0).startArray();
        for (int i = 0; i < 1000; i++)
        {
            writer.string("element").decimal(i, 1);
        }
        writer.endArray();

        assertThat(writer.buffer().capacity()).isGreaterThanOrEqualTo(writer.length());
        assertThat(direct.getStringWithoutLengthUtf8(0, writer.length())).startsWith("[\"element\",\"0\",\"element\",\"0.1\"");
    }

    @Property(tries = 300)
    void refusesToWritePastTheEndOfAFixedBuffer(
        @ForAll @IntRange(min = 0, max = 60) final int size, @ForAll("anyText") final String value)
    {
        final byte[] backing = new byte[size + 8];
        final UnsafeBuffer fixed = new UnsafeBuffer(backing, 0, size);
        writer.wrap(fixed, 0);
        try
        {
            writer.startArray().string(value).longValue(Long.MIN_VALUE).decimal(-1, 18).endArray();
            assertThat(writer.length()).isLessThanOrEqualTo(size);
        }
        catch (final IndexOutOfBoundsException expected)
        {
            assertThat(writer.position()).isLessThanOrEqualTo(size);
        }
        for (int i = size; i < backing.length; i++)
        {
            assertThat(backing[i]).as("byte %d past the end", i).isZero();
        }
    }

    @Example
    void aFixedBufferWithHeadroomHoldsTheMessage()
    {
        final UnsafeBuffer fixed = new UnsafeBuffer(new byte[7 + JsonWriter.HEADROOM]);
        writer.wrap(fixed, 0).startArray().decimal(-1, 2).endArray();

        assertThat(fixed.getStringWithoutLengthAscii(0, writer.length())).isEqualTo("[\"-0.01\"]");
        assertThatThrownBy(() -> writer.wrap(new UnsafeBuffer(new byte[4]), 0).string("abcdef"))
            .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Provide
    Arbitrary<String> anyText()
    {
        return Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(40),
            Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(40),
            Arbitraries.strings().withChars('"', '\\', '\n', '\u0000', '\u2028', 'a', 'é', '\uD83D', '\uDE00')
                .ofMaxLength(20));
    }

    private String text()
    {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    private byte[] bytes()
    {
        final MutableDirectBuffer written = writer.buffer();
        final byte[] bytes = new byte[writer.length()];
        written.getBytes(writer.offset(), bytes);
        return bytes;
    }

    private static void assertValidUtf8(final byte[] bytes) throws CharacterCodingException
    {
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes));
    }

    static String withLoneSurrogatesReplaced(final String value)
    {
        final StringBuilder builder = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                builder.append(c).append(value.charAt(++i));
            }
            else
            {
                builder.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return builder.toString();
    }
}
