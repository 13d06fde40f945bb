package io.tickwire.replay;

import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What {@link JournalRetention} keeps of the cycles it deletes, because readers of the rest still need it:
 * the journal's identity (its {@code JournalStart}) and every instrument definition. Kept in
 * {@value #FILE_NAME} in the journal directory (Chronicle only looks at {@code .cq4} files there), written
 * atomically before any cycle file is deleted. Immutable.
 * <p>
 * Format (little-endian): {@code int magic, int version, long journalId, int count}, then {@code count}
 * times {@code int length} and an SBE {@code InstrumentDefinition} message with its header.
 */
public final class RetainedPrefix
{
    /** The file's name in the journal directory. */
    public static final String FILE_NAME = "tickwire-retained.sbe";

    private static final int MAGIC = 0x50525754; // "TWRP"
    private static final int VERSION = 1;
    private static final RetainedPrefix NONE = new RetainedPrefix(0, List.of());

    private final long journalId;
    private final List<byte[]> definitions;

    private RetainedPrefix(final long journalId, final List<byte[]> definitions)
    {
        this.journalId = journalId;
        this.definitions = definitions;
    }

    /**
     * @return the prefix kept in {@code directory}, or an empty one (journal id 0, no definitions) if
     * retention never deleted anything there.
     * @throws IllegalStateException if the file exists but is not a retained prefix.
     */
    public static RetainedPrefix read(final Path directory)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(directory.resolve(FILE_NAME));
        }
        catch (final NoSuchFileException ex)
        {
            return NONE;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + directory.resolve(FILE_NAME), ex);
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try
        {
            if (buffer.getInt() != MAGIC || buffer.getInt() != VERSION)
            {
                throw new IllegalStateException(directory.resolve(FILE_NAME) + " is not a retained prefix (version 1)");
            }
            final long journalId = buffer.getLong();
            final int count = buffer.getInt();
            final List<byte[]> definitions = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                final byte[] message = new byte[buffer.getInt()];
                buffer.get(message);
                definitions.add(message);
            }
            return new RetainedPrefix(journalId, List.copyOf(definitions));
        }
        catch (final RuntimeException ex)
        {
            if (ex instanceof IllegalStateException)
            {
                throw ex;
            }
            throw new IllegalStateException(directory.resolve(FILE_NAME) + " is truncated or corrupt", ex);
        }
    }

    /**
     * @return the journal identity, 0 if unknown.
     */
    public long journalId()
    {
        return journalId;
    }

    /**
     * @return the number of instrument definitions kept.
     */
    public int definitionCount()
    {
        return definitions.size();
    }

    /**
     * Hands every kept definition, oldest first, to {@code consumer} (the decoder is reused).
     */
    public void forEachDefinition(final Consumer<InstrumentDefinitionDecoder> consumer)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final InstrumentDefinitionDecoder decoder = new InstrumentDefinitionDecoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        for (final byte[] message : definitions)
        {
            buffer.wrap(message);
            header.wrap(buffer, 0);
            decoder.wrapAndApplyHeader(buffer, 0, header);
            consumer.accept(decoder);
        }
    }

    /**
     * @return a prefix with this one's content plus {@code moreDefinitions} (messages with header, oldest
     * first) and the journal id, if this one has none.
     */
    RetainedPrefix plus(final long id, final List<byte[]> moreDefinitions)
    {
        final List<byte[]> all = new ArrayList<>(definitions);
        final Set<Long> seqs = new HashSet<>();
        for (final byte[] message : definitions)
        {
            seqs.add(seqOf(message));
        }
        for (final byte[] message : moreDefinitions)
        {
            if (seqs.add(seqOf(message))) // a retention interrupted after writing this file sees them again
            {
                all.add(message);
            }
        }
        return new RetainedPrefix(journalId != 0 ? journalId : id, List.copyOf(all));
    }

    private static long seqOf(final byte[] definition)
    {
        return new UnsafeBuffer(definition).getLong(
            MessageHeaderDecoder.ENCODED_LENGTH + InstrumentDefinitionDecoder.seqEncodingOffset(),
            InstrumentDefinitionDecoder.BYTE_ORDER);
    }

    /**
     * @return a copy of the message at {@code [offset, offset + length)} of {@code buffer}.
     */
    static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * Writes the prefix to {@code directory} atomically: a temporary file, forced to disk, then renamed.
     */
    void write(final Path directory)
    {
        int size = 4 + 4 + 8 + 4;
        for (final byte[] message : definitions)
        {
            size += 4 + message.length;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC).putInt(VERSION).putLong(journalId).putInt(definitions.size());
        for (final byte[] message : definitions)
        {
            buffer.putInt(message.length).put(message);
        }
        buffer.flip();
        final Path target = directory.resolve(FILE_NAME);
        final Path temp = directory.resolve(FILE_NAME + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + target, ex);
        }
    }
}
