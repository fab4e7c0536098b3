package dev.asof.gateway.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log as a file of JSON lines, one object per event:
 * <pre>{"time":"2025-06-01T10:00:00.123Z","event":"login","user":"alice","remote_address":"10.0.0.7",
 *  "protocol":"jdbc","outcome":"ok","detail":"connection opened"}</pre>
 *
 * <p>Each event is serialized first and then written with one {@code write} to a channel opened
 * for appending, under a lock: lines from concurrent callers never interleave, and an event is
 * in the operating system's hands (not in a buffer of this process) when {@link #record} returns.
 * Security events are rare next to statements (successful logins are cached), so writing on the
 * caller's thread costs little. A write failure is logged and the event dropped: auditing never
 * fails a client's call.
 */
public final class JsonLinesAuditLog implements AuditLog {
    /** The file name under the data directory. */
    public static final String FILE_NAME = "audit.log";
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditLog.class);

    private final ObjectMapper json = new ObjectMapper();
    private final Path file;
    private final FileChannel channel;
    private boolean closed;

    private JsonLinesAuditLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating if needed) {@code file} for appending. */
    public static JsonLinesAuditLog open(Path file) {
        requireNonNull(file, "file");
        try {
            return new JsonLinesAuditLog(file, FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where the events go. */
    public Path file() {
        return file;
    }

    @Override
    public void record(AuditEvent event) {
        byte[] line;
        try {
            line = (line(event) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            LOG.warn("audit event {} not written: {}", event.event(), e.getMessage());
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                LOG.warn("audit event {} not written to {}: {}", event.event(), file, e.getMessage());
            }
        }
    }

    private String line(AuditEvent event) throws JsonProcessingException {
        ObjectNode o = json.createObjectNode();
        o.put("time", event.time().toString());
        o.put("event", event.event());
        o.put("user", event.user());
        o.put("remote_address", event.peer().address());
        o.put("protocol", event.peer().protocol());
        o.put("outcome", event.outcome().label());
        o.put("detail", event.detail());
        return json.writeValueAsString(o);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing the audit log {}: {}", file, e.getMessage());
        }
    }
}
