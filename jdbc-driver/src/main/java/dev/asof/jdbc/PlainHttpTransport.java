package dev.asof.jdbc;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * The driver's HTTP/1.1 client for a gateway on plain {@code http} with BASIC or no
 * authentication: each request is one write of a few header lines and the body on a kept-alive
 * socket, the response one read of its status line, headers and body. What a general-purpose
 * client does besides (routes, interceptor chains, connection leases through a pool lock,
 * per-request contexts) cost a lookup about as much as its HTTP bytes; the gateway speaks a
 * fixed subset of HTTP (one POST, one response with a {@code Content-Length}), so this is all the
 * protocol there is; a chunked response body (other Avatica servers send them) is read too. TLS
 * and the other authentication types use Apache HttpClient ({@link AsofHttpClient}).
 *
 * <p>Connections: idle sockets are kept for reuse by any thread (a request has one socket to
 * itself); one idle longer than {@link #MAX_IDLE_NANOS} is closed rather than reused, well before
 * the gateway's idle timeout. A request whose kept-alive socket turns out closed before any byte
 * of a response arrived (the gateway closed it meanwhile) is sent once more on a new socket, as
 * Avatica's client retries a request that got no response.
 */
final class PlainHttpTransport implements AutoCloseable {
  private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(AsofHttpClient.VALIDATE_AFTER_IDLE_SECONDS);
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  /** A response: status, content type (may be null) and body. */
  static final class Response {
    final int status;
    final String contentType;
    final byte[] body;

    Response(int status, String contentType, byte[] body) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }
  }

  private final String host;
  private final int port;
  /** Request line and fixed headers, up to the {@code Content-Length} value. */
  private final byte[] head;
  private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  /**
   * @param uri the gateway's {@code http} URI
   * @param authorization the {@code Authorization} header value, or null
   */
  PlainHttpTransport(URI uri, String authorization) {
    this.host = uri.getHost();
    this.port = uri.getPort() < 0 ? 80 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    StringBuilder h = new StringBuilder(256)
        .append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port)
        .append("\r\n")
        .append("Content-Type: application/octet-stream\r\n");
    if (authorization != null) {
      h.append("Authorization: ").append(authorization).append("\r\n");
    }
    h.append("Content-Length: ");
    this.head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Whether this transport serves {@code uri}: plain {@code http} with a host. */
  static boolean serves(URI uri) {
    return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null;
  }

  /**
   * Sends {@code body} and returns the response.
   *
   * @param connectTimeoutMillis 0 for none
   * @param responseTimeoutMillis longest wait for response bytes; 0 for none
   */
  Response exchange(byte[] body, int connectTimeoutMillis, int responseTimeoutMillis) throws IOException {
    while (true) {
      Connection c = reusable();
      boolean reused = c != null;
      if (c == null) {
        c = open(connectTimeoutMillis);
      }
      boolean answered = false;
      try {
        c.socket.setSoTimeout(responseTimeoutMillis);
        c.send(head, body);
        Response r = c.receive();
        answered = true;
        if (c.keepAlive && !closed) {
          c.lastUsed = System.nanoTime();
          idle.push(c);
        } else {
          c.close();
        }
        return r;
      } catch (NoResponse e) {
        if (!reused) {
          throw new IOException("the gateway closed the connection without a response", e);
        }
        // A kept-alive socket the gateway had closed: the request never reached it; send it again.
      } finally {
        if (!answered) {
          c.close();
        }
      }
    }
  }

  private Connection reusable() {
    long now = System.nanoTime();
    Connection c;
    while ((c = idle.poll()) != null) {
      if (now - c.lastUsed < MAX_IDLE_NANOS && !c.socket.isClosed()) {
        return c;
      }
      c.close();
    }
    return null;
  }

  private Connection open(int connectTimeoutMillis) throws IOException {
    if (closed) {
      throw new IOException("the JDBC connection is closed");
    }
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      return new Connection(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Closes the idle sockets; later requests fail. */
  @Override public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) {
      c.close();
    }
  }

  /** The socket closed before the first byte of a response. */
  private static final class NoResponse extends IOException {
    NoResponse(Throwable cause) {
      super(cause);
    }
  }

  private static final class Connection {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    volatile long lastUsed = System.nanoTime();
    boolean keepAlive;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      this.out = socket.getOutputStream();
    }

    void send(byte[] head, byte[] body) throws IOException {
      byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
      byte[] request = new byte[head.length + length.length + body.length];
      System.arraycopy(head, 0, request, 0, head.length);
      System.arraycopy(length, 0, request, head.length, length.length);
      System.arraycopy(body, 0, request, head.length + length.length, body.length);
      try {
        out.write(request);
        out.flush();
      } catch (SocketException e) {
        throw new NoResponse(e); // a kept-alive socket the gateway closed: nothing was read
      }
    }

    Response receive() throws IOException {
      int first;
      try {
        first = in.read();
      } catch (SocketException e) {
        throw new NoResponse(e); // reset before any byte of a response: as a close
      }
      if (first < 0) {
        throw new NoResponse(new EOFException());
      }
      String status = line(first);
      // "HTTP/1.1 200 OK"
      if (!status.startsWith("HTTP/1.") || status.length() < 12) {
        throw new IOException("not an HTTP response from the gateway: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      boolean http10 = status.charAt(7) == '0';
      long contentLength = -1;
      String contentType = null;
      String connection = null;
      boolean chunked = false;
      int headerBytes = status.length();
      while (true) {
        String header = line(in.read());
        headerBytes += header.length();
        if (header.isEmpty()) {
          break;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
          throw new IOException("the gateway's response headers are too long");
        }
        int colon = header.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        switch (name) {
          case "content-length":
            contentLength = Long.parseLong(value);
            break;
          case "content-type":
            contentType = value;
            break;
          case "connection":
            connection = value.toLowerCase(Locale.ROOT);
            break;
          case "transfer-encoding":
            chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
            break;
          default:
            break;
        }
      }
      byte[] body;
      keepAlive = http10 ? "keep-alive".equals(connection) : !"close".equals(connection);
      if (chunked) {
        body = chunkedBody();
      } else if (contentLength >= 0) {
        if (contentLength > Integer.MAX_VALUE - 8) {
          throw new IOException("response too large: " + contentLength + " bytes");
        }
        body = new byte[(int) contentLength];
        int read = in.readNBytes(body, 0, body.length);
        if (read != body.length) {
          throw new IOException("response ended after " + read + " of " + contentLength + " bytes");
        }
      } else {
        body = in.readAllBytes(); // no length: the body ends with the connection
        keepAlive = false;
      }
      return new Response(code, contentType, body);
    }

    /** A chunked body: chunks of hexadecimal size until one of size 0, then trailers until an empty line. */
    private byte[] chunkedBody() throws IOException {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      while (true) {
        String sizeLine = line(in.read());
        int semicolon = sizeLine.indexOf(';');
        int size;
        try {
          size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size in the gateway's response: " + sizeLine, e);
        }
        if (size == 0) {
          while (!line(in.read()).isEmpty()) {
            // trailers: none are used
          }
          return body.toByteArray();
        }
        byte[] chunk = in.readNBytes(size);
        if (chunk.length != size) {
          throw new EOFException("the gateway's response ended inside a chunk");
        }
        body.write(chunk);
        if (!line(in.read()).isEmpty()) {
          throw new IOException("bad chunk end in the gateway's response");
        }
      }
    }

    /** One header line (ISO-8859-1, without its CRLF), starting with byte {@code first}. */
    private String line(int first) throws IOException {
      StringBuilder s = new StringBuilder(64);
      int b = first;
      while (true) {
        if (b < 0) {
          throw new EOFException("the gateway's response ended inside its headers");
        }
        if (b == '\n') {
          break;
        }
        if (b != '\r') {
          s.append((char) b);
        }
        if (s.length() > MAX_HEADER_BYTES) {
          throw new IOException("the gateway's response headers are too long");
        }
        b = in.read();
      }
      return s.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }
}
