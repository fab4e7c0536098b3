package dev.asof.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AuthenticationType;
import org.apache.calcite.avatica.remote.AvaticaCommonsHttpClientImpl;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;

/**
 * Avatica's HTTP client (Apache HttpClient 5, pooled keep-alive connections, TCP_NODELAY), tuned
 * for many small request/response exchanges: a prepared lookup is one POST of a few hundred bytes
 * and one response of the same order, so anything HttpClient does per request besides writing and
 * reading them is latency.
 *
 * <ul>
 *   <li><b>No stale check on busy connections.</b> HttpClient validates a pooled connection idle for
 *       more than 2 s before reusing it, with a read that blocks for 1 ms when the connection is
 *       fine: a service with bursty traffic would pay that millisecond on many lookups. Connections
 *       are validated after {@value #VALIDATE_AFTER_IDLE_SECONDS} s instead, well below the
 *       gateway's idle timeout (5 min), so a connection the gateway closed is still never reused.
 *   <li><b>Enough connections.</b> Avatica's pool allows 25 connections per gateway; a 26th
 *       concurrent statement (or a cancel sent while 25 statements run) would wait for one to be
 *       returned. The pool allows {@value #MAX_PER_ROUTE} per gateway and {@value #MAX_TOTAL} in all,
 *       unless the application set Avatica's {@code avatica.pooled.connections.per.route} /
 *       {@code avatica.pooled.connections.max} system properties. Connections are opened on demand.
 *   <li><b>No per-request steps the protocol never uses:</b> response decompression (the gateway
 *       does not compress), cookies, redirects, HttpClient's own retries (POSTs are not retried
 *       by it anyway; Avatica's client retries a request that got no response) and the
 *       {@code User-Agent} header (written by the client and parsed by the gateway on every lookup,
 *       read by no one).
 *   <li><b>One exact-size copy of the response body</b> when its length is known (Avatica's client
 *       reads it through a fresh 4 KB buffer into a growing one, then copies it out).
 *
 *   <li><b>Preemptive BASIC.</b> With BASIC credentials, every request carries the
 *       {@code Authorization} header (Avatica's client waits for a 401 challenge first, which would
 *       double the first round trip of every connection). A 401 that carries an Avatica error
 *       (an asof gateway's answer to a request without credentials) is returned like a 500, so that
 *       the client reports its message and SQLSTATE.
 * </ul>
 *
 * <p>Everything else is Avatica's: TLS settings, the other authentication types (DIGEST, SPNEGO,
 * bearer tokens), connect and response timeouts ({@code http_connection_timeout},
 * {@code http_response_timeout}) and the retry on HTTP 503.
 *
 * <p>Internal: the driver names it in Avatica's {@code httpclient_impl} connection property; it is
 * public only because Avatica instantiates it by reflection.
 */
public final class AsofHttpClient extends AvaticaCommonsHttpClientImpl {
  static final int VALIDATE_AFTER_IDLE_SECONDS = 60;
  static final int MAX_PER_ROUTE = 256;
  static final int MAX_TOTAL = 1024;

  private static final String PER_ROUTE_PROPERTY = "avatica.pooled.connections.per.route";
  private static final String TOTAL_PROPERTY = "avatica.pooled.connections.max";

  /** The {@code Authorization} header value for BASIC credentials; null without them. */
  private volatile String basicAuthorization;

  public AsofHttpClient(URL url) {
    super(url);
  }

  @Override public void setUsernamePassword(AuthenticationType authType, String username,
      String password) {
    super.setUsernamePassword(authType, username, password);
    if (authType == AuthenticationType.BASIC) {
      basicAuthorization = "Basic " + Base64.getEncoder().encodeToString(
          (username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override protected void initializeClient(PoolingHttpClientConnectionManager pool,
      ConnectionConfig config) {
    // Avatica shares one pool among all connections with the same TLS settings; these settings
    // are the same every time, so applying them per connection is harmless.
    tune(pool);
    super.initializeClient(pool, config);
    // Same pool and timeouts as Avatica's client (authentication settings, applied later, live in
    // the per-client context and override these defaults), fewer steps per request.
    @SuppressWarnings("deprecation") // the connect timeout per request is what Avatica sets too
    RequestConfig requestConfig = RequestConfig.custom()
        .setConnectTimeout(connectTimeout, TimeUnit.MILLISECONDS)
        .setResponseTimeout(responseTimeout, TimeUnit.MILLISECONDS)
        .build();
    this.client = HttpClients.custom()
        .setConnectionManager(pool)
        .setDefaultRequestConfig(requestConfig)
        .disableContentCompression()
        .disableCookieManagement()
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableDefaultUserAgent()
        .build();
  }

  /**
   * Avatica's exchange: HTTP 200 and 500 carry a protobuf response (500 an error); a 503, or a
   * connection closed before any response, is retried; a 401 with a protobuf error body is that
   * error; anything else fails.
   */
  @Override public byte[] send(byte[] request) {
    while (true) {
      HttpPost post = new HttpPost(uri);
      post.setEntity(new ByteArrayEntity(request, ContentType.APPLICATION_OCTET_STREAM));
      String authorization = basicAuthorization;
      if (authorization != null) {
        post.setHeader("Authorization", authorization);
      }
      if (httpHost == null) {
        try {
          httpHost = RoutingSupport.determineHost(post);
        } catch (HttpException e) {
          throw new RuntimeException("Could not determine Http Host from URI", e);
        }
      }
      try (ClassicHttpResponse response = client.executeOpen(httpHost, post, context)) {
        int status = response.getCode();
        if (status == HttpURLConnection.HTTP_OK || status == HttpURLConnection.HTTP_INTERNAL_ERROR) {
          userToken = context.getUserToken();
          return body(response.getEntity());
        }
        if (status == HttpURLConnection.HTTP_UNAVAILABLE) {
          continue;
        }
        if (status == HttpURLConnection.HTTP_UNAUTHORIZED && isAvaticaBody(response.getEntity())) {
          return body(response.getEntity());
        }
        throw new RuntimeException("Failed to execute HTTP Request, got HTTP/" + status);
      } catch (NoHttpResponseException e) {
        // e.g. a kept-alive connection the server closed at that moment: try again
        continue;
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }
  }

  /** An asof gateway's 401 carries a protobuf Avatica error; a web server's carries a page. */
  private static boolean isAvaticaBody(HttpEntity entity) {
    return entity != null && entity.getContentType() != null
        && entity.getContentType().startsWith("application/octet-stream") && entity.getContentLength() != 0;
  }

  private static byte[] body(HttpEntity entity) throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    long length = entity.getContentLength();
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      return EntityUtils.toByteArray(entity);
    }
    byte[] body = new byte[(int) length];
    try (InputStream in = entity.getContent()) {
      int read = in.readNBytes(body, 0, body.length);
      if (read != body.length) {
        throw new IOException("response ended after " + read + " of " + length + " bytes");
      }
    }
    return body;
  }

  static void tune(PoolingHttpClientConnectionManager pool) {
    pool.setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
        .setValidateAfterInactivity(TimeValue.ofSeconds(VALIDATE_AFTER_IDLE_SECONDS))
        .build());
    if (System.getProperty(PER_ROUTE_PROPERTY) == null) {
      pool.setDefaultMaxPerRoute(MAX_PER_ROUTE);
    }
    if (System.getProperty(TOTAL_PROPERTY) == null) {
      pool.setMaxTotal(MAX_TOTAL);
    }
  }
}
