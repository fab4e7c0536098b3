package dev.asof.gateway.server.avatica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.registry.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * The Netty server speaking Avatica's protobuf-over-HTTP protocol, against a scripted
 * {@link Service} and a raw HTTP/1.1 client (so keep-alive and pipelining are visible):
 * <ul>
 *   <li>open-connection answers; responses carry the server address;
 *   <li>errors keep their message and SQLSTATE and carry no stack trace;
 *   <li>a cancel (close-statement) is answered while every request thread is blocked;
 *   <li>requests beyond the limits are refused with SQLSTATE 53000, not queued forever;
 *   <li>a taken port fails with the bind error in the cause chain.
 * </ul>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AvaticaHttpServerTest {
    private static final ProtobufTranslationImpl PROTOBUF = new ProtobufTranslationImpl();

    private final List<AutoCloseable> resources = new ArrayList<>();
    @TempDir
    Path dir;
    private Registry registry;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger blocked = new AtomicInteger();

    @AfterEach
    void closeAll() throws Exception {
        release.countDown();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /**
     * Open-connection answers at once; catalogs blocks until released (a long statement), then fails
     * with an asof error; close-statement releases the blocked calls (a cancel).
     */
    private Service scriptedService() {
        Service.RpcMetadataResponse[] metadata = new Service.RpcMetadataResponse[1];
        return (Service) Proxy.newProxyInstance(Service.class.getClassLoader(), new Class<?>[] {Service.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setRpcMetadata")) {
                        metadata[0] = (Service.RpcMetadataResponse) args[0];
                        return null;
                    }
                    Object request = args[0];
                    if (request instanceof Service.OpenConnectionRequest) {
                        return new Service.OpenConnectionResponse(metadata[0]);
                    }
                    if (request instanceof Service.CloseStatementRequest) {
                        release.countDown();
                        return new Service.CloseStatementResponse(metadata[0]);
                    }
                    if (request instanceof Service.CatalogsRequest) {
                        blocked.incrementAndGet();
                        release.await();
                        AvaticaRuntimeException e = new AvaticaRuntimeException("statement cancelled or timed out", 11,
                                "57014", AvaticaSeverity.ERROR);
                        e.setStackTrace(new StackTraceElement[0]);
                        throw e;
                    }
                    throw new UnsupportedOperationException(request.getClass().getSimpleName());
                });
    }

    private RequestIdentity identity() {
        if (registry == null) {
            registry = Registry.open(dir);
            resources.add(0, registry);
        }
        return new RequestIdentity(TestUsers.authenticator(registry));
    }

    private AvaticaHttpServer start(AvaticaHttpServer.Limits limits) {
        AvaticaHttpServer server = AvaticaHttpServer.start(scriptedService(), identity(), null, "127.0.0.1", 0, limits);
        resources.add(server);
        return server;
    }

    private AvaticaHttpServer start() {
        return start(AvaticaHttpServer.Limits.defaults());
    }

    private RawConnection connect(AvaticaHttpServer server) throws IOException {
        RawConnection c = new RawConnection(new Socket("127.0.0.1", server.port()));
        resources.add(c);
        return c;
    }

    @Test
    void answersOnOneKeptAliveConnectionAndNamesTheServer() throws Exception {
        AvaticaHttpServer server = start();
        assertThat(server.port()).isPositive();
        RawConnection c = connect(server);
        for (int i = 0; i < 3; i++) {
            HttpResponse r = c.exchange(post(new Service.OpenConnectionRequest("c" + i, java.util.Map.of())));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-type")).isEqualTo("application/octet-stream;charset=utf-8");
            Service.OpenConnectionResponse open = (Service.OpenConnectionResponse) PROTOBUF.parseResponse(r.body());
            assertThat(open.rpcMetadata.serverAddress).isEqualTo("127.0.0.1:" + server.port());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        AvaticaHttpServer server = start();
        RawConnection c = connect(server);
        // A blocked request first, then one that answers at once: the second response must wait.
        c.out.write(post(new Service.CatalogsRequest("slow")));
        c.out.write(post(new Service.OpenConnectionRequest("fast", java.util.Map.of())));
        c.out.flush();
        awaitBlocked(1);
        release.countDown();
        HttpResponse first = c.read();
        HttpResponse second = c.read();
        assertThat(first.status()).isEqualTo(500);
        assertThat(PROTOBUF.parseResponse(first.body())).isInstanceOf(Service.ErrorResponse.class);
        assertThat(second.status()).isEqualTo(200);
        assertThat(PROTOBUF.parseResponse(second.body())).isInstanceOf(Service.OpenConnectionResponse.class);
    }

    @Test
    void errorsKeepMessageAndSqlStateWithoutStackTrace() throws Exception {
        AvaticaHttpServer server = start();
        release.countDown();
        HttpResponse r = connect(server).exchange(post(new Service.CatalogsRequest("c")));
        assertThat(r.status()).isEqualTo(500);
        Service.ErrorResponse error = (Service.ErrorResponse) PROTOBUF.parseResponse(r.body());
        assertThat(error.errorMessage).isEqualTo("statement cancelled or timed out");
        assertThat(error.sqlState).isEqualTo("57014");
        assertThat(error.exceptions).allSatisfy(text -> assertThat(text).doesNotContain("\tat "));
        assertThat(error.rpcMetadata.serverAddress).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void undecodableBodyIsAnAvaticaError() throws Exception {
        AvaticaHttpServer server = start();
        HttpResponse r = connect(server).exchange(rawPost(new byte[] {1, 2, 3}));
        assertThat(r.status()).isEqualTo(500);
        assertThat(PROTOBUF.parseResponse(r.body())).isInstanceOf(Service.ErrorResponse.class);
    }

    @Test
    void onlyPostIsServed() throws Exception {
        AvaticaHttpServer server = start();
        RawConnection c = connect(server);
        HttpResponse r = c.exchange(("GET / HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(400);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("This server expects only POST calls.");
        // the connection stays usable
        assertThat(c.exchange(post(new Service.OpenConnectionRequest("c", java.util.Map.of()))).status()).isEqualTo(200);
    }

    @Test
    void cancelIsServedWhileEveryRequestThreadIsBusy() throws Exception {
        AvaticaHttpServer server = start(new AvaticaHttpServer.Limits(2, 1, 1, 1, 1, 1 << 20, Duration.ofMinutes(1)));
        List<CompletableFuture<HttpResponse>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // 2 request threads + 1 overflow thread
            RawConnection c = connect(server);
            running.add(CompletableFuture.supplyAsync(() -> c.exchangeUnchecked(post(new Service.CatalogsRequest("s")))));
        }
        awaitBlocked(3);
        long t0 = System.nanoTime();
        HttpResponse cancel = connect(server).exchange(post(new Service.CloseStatementRequest("s", 1)));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(cancel.status()).isEqualTo(200);
        assertThat(millis).as("cancel answered promptly").isLessThan(5_000);
        for (CompletableFuture<HttpResponse> f : running) {
            Service.ErrorResponse e = (Service.ErrorResponse) PROTOBUF.parseResponse(f.get(10, TimeUnit.SECONDS).body());
            assertThat(e.sqlState).isEqualTo("57014");
        }
    }

    @Test
    void requestsBeyondTheLimitsAreRefused() throws Exception {
        AvaticaHttpServer server = start(new AvaticaHttpServer.Limits(1, 1, 1, 1, 1, 1 << 20, Duration.ofMinutes(1)));
        List<CompletableFuture<HttpResponse>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // request thread, overflow thread, overflow queue
            RawConnection c = connect(server);
            running.add(CompletableFuture.supplyAsync(() -> c.exchangeUnchecked(post(new Service.CatalogsRequest("s")))));
            if (i < 2) {
                awaitBlocked(i + 1);
            }
        }
        Thread.sleep(200); // let the third request reach the queue
        HttpResponse refused = connect(server).exchange(post(new Service.CatalogsRequest("s")));
        assertThat(refused.status()).isEqualTo(500);
        Service.ErrorResponse e = (Service.ErrorResponse) PROTOBUF.parseResponse(refused.body());
        assertThat(e.sqlState).isEqualTo(AvaticaHttpServer.OVERLOADED_SQL_STATE);
        assertThat(e.errorMessage).contains("overloaded");
        assertThat(e.exceptions).allSatisfy(text -> assertThat(text).doesNotContain("\tat "));
        release.countDown();
        for (CompletableFuture<HttpResponse> f : running) {
            assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(500);
        }
    }

    @Test
    void idleConnectionsCloseButNotWhileARequestIsInService() throws Exception {
        AvaticaHttpServer server = start(new AvaticaHttpServer.Limits(2, 1, 1, 1, 1, 1 << 20, Duration.ofMillis(200)));
        RawConnection idle = connect(server);
        assertThat(idle.exchange(post(new Service.OpenConnectionRequest("c", java.util.Map.of()))).status())
                .isEqualTo(200);
        RawConnection busy = connect(server);
        CompletableFuture<HttpResponse> running =
                CompletableFuture.supplyAsync(() -> busy.exchangeUnchecked(post(new Service.CatalogsRequest("s"))));
        awaitBlocked(1);
        Thread.sleep(800);
        assertThat(idle.in.read()).as("idle connection closed by the server").isEqualTo(-1);
        release.countDown();
        assertThat(running.get(10, TimeUnit.SECONDS).status()).isEqualTo(500);
    }

    @Test
    void takenPortFailsWithTheBindError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            RequestIdentity identity = identity();
            assertThatThrownBy(() -> AvaticaHttpServer.start(scriptedService(), identity, null, "127.0.0.1", taken.getLocalPort(),
                    AvaticaHttpServer.Limits.defaults()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasRootCauseInstanceOf(BindException.class)
                    .satisfies(e -> assertThat(e.getMessage().toLowerCase(Locale.ROOT)).contains("in use"));
        }
    }

    private void awaitBlocked(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (blocked.get() < n) {
            assertThat(System.nanoTime()).as("%d requests in service", n).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static byte[] post(Service.Request request) {
        try {
            return rawPost(PROTOBUF.serializeRequest(request));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] rawPost(byte[] body) {
        byte[] head = ("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Authorization: " + TestUsers.basicAuthorization() + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private record HttpResponse(int status, java.util.Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** A minimal HTTP/1.1 client on one socket: writes raw requests, reads Content-Length responses. */
    private static final class RawConnection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        RawConnection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(30_000);
            this.out = socket.getOutputStream();
            this.in = socket.getInputStream();
        }

        HttpResponse exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            return read();
        }

        HttpResponse exchangeUnchecked(byte[] request) {
            try {
                return exchange(request);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        HttpResponse read() throws IOException {
            String status = line();
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            return new HttpResponse(Integer.parseInt(status.split(" ")[1]), headers, body);
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
