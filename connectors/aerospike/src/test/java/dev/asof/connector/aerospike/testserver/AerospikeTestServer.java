package dev.asof.connector.aerospike.testserver;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.asof.connector.aerospike.testserver.AsMessage.BatchRow;
import dev.asof.connector.aerospike.testserver.AsMessage.Result;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A one-node Aerospike server speaking enough of the wire protocol for the official Java client
 * (9.x) to discover it, tend it and run what {@code AerospikeOnlineStore} and simple tools use:
 * single-record read, write (replace or merge, with TTL), delete and operate (write, read, touch
 * and delete operations), batch reads, writes and deletes, records expiring by this server's
 * clock. Records live in memory. It listens on 127.0.0.1 only.
 *
 * <p>Cluster discovery and tending use the info protocol (proto type 1): the client asks for
 * {@code node}, {@code partition-generation}, {@code build}, {@code features},
 * {@code user-agent-set}, then {@code peers-generation}, {@code peers-clear-std} and
 * {@code replicas} (the partition map). This node has no peers and owns all 4096 partitions of
 * every namespace as their only replica. It advertises {@code batch-any} (so every batch is a
 * batch-index request) and {@code pscans}, which the client demands of any server although scans
 * and queries are not implemented here.
 *
 * <p>Not implemented (the command gets error 16, unsupported feature, or the connection is
 * closed): scans, queries, UDFs, expressions and filters, list/map/bit/HLL operations, increments
 * and appends, transactions, compressed messages, security (login), TLS, racks.
 *
 * <p>For failure tests: {@link #stop()} closes the listening socket and every client connection;
 * {@link #start()} again listens on the same port with the records kept (like a node with
 * persistent storage; {@link #clear()} drops them); {@link #setResponseDelay} holds every record
 * command's reply (info replies are not delayed, so the client keeps seeing the node).
 */
public final class AerospikeTestServer implements AutoCloseable {
    private static final int PROTO_VERSION = 2;
    private static final int TYPE_INFO = 1;
    private static final int TYPE_MESSAGE = 3;
    private static final int PARTITIONS = 4096;
    /** Largest request accepted; bigger ones close the connection. */
    private static final long MAX_REQUEST_BYTES = 128L << 20;
    /** Batch replies are split into proto messages of about this size, as the server does. */
    private static final int BATCH_CHUNK_BYTES = 1 << 20;

    private final RecordTable records;
    private final String nodeName;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile long responseDelayNanos;
    // Written under the monitor by start()/stop(); read without it by connection threads.
    private volatile ServerSocket listener;
    private volatile int port;
    private ExecutorService threads;

    /** A server with the one namespace {@code test}. */
    public AerospikeTestServer() {
        this("test");
    }

    public AerospikeTestServer(String... namespaces) {
        if (namespaces.length == 0) {
            throw new IllegalArgumentException("at least one namespace is needed");
        }
        this.records = new RecordTable(new LinkedHashSet<>(Arrays.asList(namespaces)), InstantSource.system());
        // Node names are hex; a random one lets tests run several servers without clashes.
        this.nodeName = "BB9%013X".formatted(new Random().nextLong() & 0xF_FFFF_FFFF_FFFFL);
    }

    /** Starts on a free port the first time, on the same port as before after a {@link #stop()}. */
    public synchronized AerospikeTestServer start() {
        return start(port);
    }

    /** Starts on {@code port} (0 = a free one). */
    public synchronized AerospikeTestServer start(int port) {
        if (listener != null) {
            throw new IllegalStateException("already listening on port " + this.port);
        }
        try {
            ServerSocket socket = new ServerSocket();
            // A restart on the same port must not wait for the old connections' TIME_WAIT.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            listener = socket;
            this.port = socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
        threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "aerospike-test-server-" + this.port);
            thread.setDaemon(true);
            return thread;
        });
        ServerSocket socket = listener;
        ExecutorService pool = threads;
        pool.execute(() -> accept(socket, pool));
        return this;
    }

    /** Closes the listening socket and every client connection; the records stay. */
    public synchronized void stop() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        connections.forEach(AerospikeTestServer::closeQuietly);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads = null;
    }

    @Override
    public void close() {
        stop();
    }

    /** The port it listens (or last listened) on. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, the seed to give a client. */
    public String seed() {
        return "127.0.0.1:" + port();
    }

    public boolean isRunning() {
        return listener != null;
    }

    /** Holds each record command's reply this long before executing it; zero turns it off. */
    public void setResponseDelay(Duration delay) {
        responseDelayNanos = delay.toNanos();
    }

    /** Records that exist now (not expired), in all namespaces. */
    public int recordCount() {
        return records.liveCount();
    }

    /** Drops every record. */
    public void clear() {
        records.clear();
    }

    public int openConnections() {
        return connections.size();
    }

    private void accept(ServerSocket socket, ExecutorService pool) {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            }
            catch (IOException e) {
                return; // stop() closed the listener
            }
            connections.add(connection);
            if (socket.isClosed()) {
                closeQuietly(connection);
                connections.remove(connection);
                return;
            }
            try {
                pool.execute(() -> serve(connection));
            }
            catch (RejectedExecutionException e) {
                closeQuietly(connection);
                connections.remove(connection);
            }
        }
    }

    /** One client connection: requests and replies strictly alternate, as the client uses them. */
    private void serve(Socket connection) {
        try (connection) {
            connection.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(connection.getInputStream(), 1 << 16));
            OutputStream out = new BufferedOutputStream(connection.getOutputStream(), 1 << 16);
            while (true) {
                long proto;
                try {
                    proto = in.readLong();
                }
                catch (EOFException e) {
                    return;
                }
                int type = (int) (proto >>> 48) & 0xff;
                long size = proto & 0xFFFF_FFFF_FFFFL;
                if ((proto >>> 56) != PROTO_VERSION || size > MAX_REQUEST_BYTES) {
                    return;
                }
                byte[] body = new byte[(int) size];
                in.readFully(body);
                switch (type) {
                    case TYPE_INFO -> writeProto(out, TYPE_INFO, info(new String(body, UTF_8)));
                    case TYPE_MESSAGE -> message(out, ByteBuffer.wrap(body));
                    default -> {
                        return; // compressed or security messages: not implemented
                    }
                }
                out.flush();
            }
        }
        catch (IOException | RuntimeException e) {
            // Client went away, stop() closed the socket, or a malformed request: drop the connection.
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            connections.remove(connection);
        }
    }

    private void message(OutputStream out, ByteBuffer body) throws IOException, InterruptedException {
        long delay = responseDelayNanos;
        if (delay > 0) {
            TimeUnit.NANOSECONDS.sleep(delay);
        }
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        if (!AsMessage.isBatch(body)) {
            AsMessage.writeResult(reply, 0, records.execute(AsMessage.parseCommand(body)), 0);
            writeProto(out, TYPE_MESSAGE, reply.toByteArray());
            return;
        }
        for (BatchRow row : AsMessage.parseBatch(body)) {
            AsMessage.writeResult(reply, 0, records.execute(row.command()), row.index());
            if (reply.size() >= BATCH_CHUNK_BYTES) {
                writeProto(out, TYPE_MESSAGE, reply.toByteArray());
                reply.reset();
            }
        }
        // The last message of a batch reply is a bare header flagged "last".
        AsMessage.writeResult(reply, AsMessage.INFO3_LAST, Result.code(RecordTable.OK), 0);
        writeProto(out, TYPE_MESSAGE, reply.toByteArray());
    }

    /** Answers each newline-separated info command with {@code command<TAB>value<LF>}. */
    private byte[] info(String request) {
        StringBuilder reply = new StringBuilder();
        for (String command : request.split("\n")) {
            if (!command.isEmpty()) {
                reply.append(command).append('\t').append(infoValue(command)).append('\n');
            }
        }
        return reply.toString().getBytes(UTF_8);
    }

    private String infoValue(String command) {
        int port = port();
        if (command.startsWith("user-agent-set:")) {
            return "ok";
        }
        return switch (command) {
            case "node" -> nodeName;
            // Constant: the partition map never changes, and peers never come or go.
            case "partition-generation", "peers-generation" -> "1";
            case "build" -> "8.0.0.0";
            case "features" -> "batch-any;pscans";
            case "cluster-name" -> "asof-test";
            case "namespaces" -> String.join(";", records.namespaces());
            case "service-clear-std", "service-clear-alt" -> "127.0.0.1:" + port;
            // generation,default port,[peers]: no peers.
            case "peers-clear-std", "peers-clear-alt" -> "1," + port + ",[]";
            case "replicas" -> replicas();
            default -> "ERROR::unrecognized command";
        };
    }

    /** {@code ns:regime,replica-count,bitmap;...}: one replica, this node owns every partition. */
    private String replicas() {
        byte[] bitmap = new byte[PARTITIONS / 8];
        Arrays.fill(bitmap, (byte) 0xff);
        String owned = Base64.getEncoder().encodeToString(bitmap);
        return records.namespaces().stream().map(namespace -> namespace + ":0,1," + owned).collect(Collectors.joining(";"));
    }

    private static void writeProto(OutputStream out, int type, byte[] body) throws IOException {
        long proto = ((long) PROTO_VERSION << 56) | ((long) type << 48) | body.length;
        ByteBuffer header = ByteBuffer.allocate(8).putLong(proto);
        out.write(header.array());
        out.write(body);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception e) {
            // Closing to stop: nothing to report.
        }
    }

    @Override
    public String toString() {
        return "AerospikeTestServer[" + seed() + ", node " + nodeName + ", namespaces " + records.namespaces() + "]";
    }

    /** The namespaces this server has, in the order given. */
    public List<String> namespaces() {
        return List.copyOf(records.namespaces());
    }
}
