package dev.asof.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AuthenticationType;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HttpsSupport;

/**
 * The HTTP client of a connection with {@code tls_ca=<PEM file>}: TLS that trusts exactly the
 * certificates in that file (e.g. a gateway's self-signed certificate), host names verified. Avatica
 * takes trust stores only as key store files, so such a connection gets its own connection pool,
 * closed with the connection.
 */
final class PemTrust {
  private PemTrust() {}

  static AsofHttpClient client(URL url, ConnectionConfig config, Path caFile, AsofConnection connection) {
    SSLContext tls = context(caFile);
    PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls, HttpsSupport.getDefaultHostnameVerifier()))
        .build();
    connection.closeWith(pool);
    AsofHttpClient client = new AsofHttpClient(url);
    client.setHttpClientPool(pool, config);
    String auth = config.authentication();
    if (auth != null && auth.toUpperCase(Locale.ROOT).equals("BASIC") && config.avaticaUser() != null
        && config.avaticaPassword() != null) {
      client.setUsernamePassword(AuthenticationType.BASIC, config.avaticaUser(), config.avaticaPassword());
    }
    return client;
  }

  /** A TLS context that trusts the certificates of a PEM file. */
  static SSLContext context(Path pemFile) {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + pemFile);
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the CA certificates of " + AsofUrl.TLS_CA + "=" + pemFile
          + ": " + e.getMessage(), e);
    }
  }
}
