package dev.asof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's plain HTTP/1.1 exchange against a scripted server on a real socket: requests as a
 * gateway reads them, kept-alive sockets reused, a socket the server closed while idle replaced
 * (the request sent once, on the new socket), chunked bodies, {@code Connection: close}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlainHttpTransportTest {
  private final ScriptedServer server = new ScriptedServer();

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String response(String body, String... headers) {
    StringBuilder r = new StringBuilder("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream;charset=utf-8\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    return r.append("content-length: ").append(body.length()).append("\r\n\r\n").append(body).toString();
  }

  @Test
  void requestsGoOutAsTheGatewayReadsThemAndSocketsAreReused() throws Exception {
    server.script(req -> response("one"), req -> response("two"));
    try (PlainHttpTransport t = new PlainHttpTransport(server.uri("/path?x=1"), "Basic dTpw")) {
      PlainHttpTransport.Response first = t.exchange(bytes("hello"), 5_000, 5_000);
      PlainHttpTransport.Response second = t.exchange(bytes(""), 5_000, 5_000);

      assertThat(first.status).isEqualTo(200);
      assertThat(new String(first.body, StandardCharsets.ISO_8859_1)).isEqualTo("one");
      assertThat(first.contentType).isEqualTo("application/octet-stream;charset=utf-8");
      assertThat(new String(second.body, StandardCharsets.ISO_8859_1)).isEqualTo("two");
    }
    assertThat(server.accepted.get()).isEqualTo(1);
    Request r = server.requests.get(0);
    assertThat(r.head.get(0)).isEqualTo("POST /path?x=1 HTTP/1.1");
    assertThat(r.head).contains("Host: 127.0.0.1:" + server.port(), "Authorization: Basic dTpw",
        "Content-Type: application/octet-stream", "Content-Length: 5");
    assertThat(r.body).isEqualTo("hello");
    assertThat(server.requests.get(1).head).contains("Content-Length: 0");
  }

  @Test
  void aKeptAliveSocketTheServerClosedIsReplacedAndTheRequestSentOnce() throws Exception {
    server.closeAfterEachResponse = true; // without saying so: as a server closing an idle connection
    server.script(req -> response("first"), req -> response("second"));
    try (PlainHttpTransport t = new PlainHttpTransport(server.uri("/"), null)) {
      assertThat(t.exchange(bytes("a"), 5_000, 5_000).body).isEqualTo(bytes("first"));
      server.awaitClosed(1);
      assertThat(t.exchange(bytes("b"), 5_000, 5_000).body).isEqualTo(bytes("second"));
    }
    assertThat(server.accepted.get()).isEqualTo(2);
    assertThat(server.requests).extracting(r -> r.body).containsExactly("a", "b");
  }

  @Test
  void aNewSocketClosedWithoutAResponseIsAnError() throws Exception {
    server.script(new Answer[] {null}); // close at once, answering nothing
    try (PlainHttpTransport t = new PlainHttpTransport(server.uri("/"), null)) {
      assertThatThrownBy(() -> t.exchange(bytes("a"), 5_000, 5_000)).isInstanceOf(IOException.class)
          .hasMessageContaining("without a response");
    }
    assertThat(server.accepted.get()).isEqualTo(1);
  }

  @Test
  void chunkedBodiesAndConnectionCloseAreRead() throws Exception {
    server.script(
        req -> "HTTP/1.1 500 Server Error\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n",
        req -> response("bye", "Connection: close"),
        req -> response("again"));
    try (PlainHttpTransport t = new PlainHttpTransport(server.uri("/"), null)) {
      PlainHttpTransport.Response chunked = t.exchange(bytes("a"), 5_000, 5_000);
      assertThat(chunked.status).isEqualTo(500);
      assertThat(chunked.body).isEqualTo(bytes("abcdefg"));
      assertThat(t.exchange(bytes("b"), 5_000, 5_000).body).isEqualTo(bytes("bye"));
      assertThat(t.exchange(bytes("c"), 5_000, 5_000).body).isEqualTo(bytes("again"));
    }
    // The chunked response kept its socket; "Connection: close" did not.
    assertThat(server.accepted.get()).isEqualTo(2);
  }

  @Test
  void aResponseSlowerThanTheTimeoutFails() throws Exception {
    server.script(req -> {
      Thread.sleep(2_000);
      return response("late");
    });
    try (PlainHttpTransport t = new PlainHttpTransport(server.uri("/"), null)) {
      assertThatThrownBy(() -> t.exchange(bytes("a"), 5_000, 200)).isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  private static final class Request {
    final List<String> head;
    final String body;

    Request(List<String> head, String body) {
      this.head = head;
      this.body = body;
    }
  }

  private interface Answer {
    String answer(Request request) throws Exception;
  }

  /** Answers requests with the scripted responses in order; a null answer closes the socket. */
  private static final class ScriptedServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closedSockets = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final BlockingQueue<java.util.Optional<Answer>> answers = new LinkedBlockingQueue<>();
    volatile boolean closeAfterEachResponse;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    ScriptedServer() {
      try {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      Thread acceptor = new Thread(this::accept, "scripted-http-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port() + path);
    }

    void script(Answer... script) {
      for (Answer a : script) {
        answers.add(java.util.Optional.ofNullable(a));
      }
    }

    void awaitClosed(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (closedSockets.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(50); // the client's side sees the close by now
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          accepted.incrementAndGet();
          open.add(s);
          Thread t = new Thread(() -> serve(s), "scripted-http");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
        while (true) {
          List<String> head = new ArrayList<>();
          String line;
          while (!(line = line(in)).isEmpty()) {
            head.add(line);
          }
          int length = 0;
          for (String h : head) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
              length = Integer.parseInt(h.substring(15).trim());
            }
          }
          byte[] body = in.readNBytes(length);
          java.util.Optional<Answer> answer = answers.poll(10, TimeUnit.SECONDS);
          if (answer == null || answer.isEmpty()) {
            return;
          }
          Request request = new Request(head, new String(body, StandardCharsets.ISO_8859_1));
          requests.add(request);
          out.write(answer.get().answer(request).getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (closeAfterEachResponse) {
            return;
          }
        }
      } catch (Exception e) {
        // the client went away
      } finally {
        closedSockets.incrementAndGet();
      }
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new IOException("closed");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
