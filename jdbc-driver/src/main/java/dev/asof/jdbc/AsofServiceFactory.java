package dev.asof.jdbc;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.RemoteService;
import org.apache.calcite.avatica.remote.Service;

/**
 * Creates the Avatica client service of an asof connection: the same HTTP client and services
 * as Avatica's remote driver, with the protobuf translation wrapped in
 * {@link WireNameTranslation} so that a relocated Avatica speaks the standard wire format, and
 * compact executes against an asof gateway ({@link AsofProtobufService}).
 *
 * <p>Internal: {@link AsofDriver} names it in Avatica's {@code factory} connection property; it
 * is public only because Avatica instantiates it by reflection.
 */
public final class AsofServiceFactory implements Service.Factory {

  public AsofServiceFactory() {
  }

  @Override public Service create(AvaticaConnection connection) {
    ConnectionConfig config = connection.config();
    String urlText = config.useClientSideLb() ? config.getLBStrategy().getLbURL(config)
        : config.url();
    URL url;
    try {
      url = new URL(urlText);
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("Bad gateway URL " + urlText, e);
    }
    String caFile = connection instanceof AsofConnection
        ? ((AsofConnection) connection).property(AsofUrl.TLS_CA) : null;
    AvaticaHttpClient httpClient = caFile != null && url.getProtocol().equals("https")
        ? PemTrust.client(url, config, Path.of(caFile), (AsofConnection) connection)
        : config.httpClientFactory().getClient(url, config, connection.getKerberosConnection());
    String serialization = config.serialization() == null ? AsofUrl.DEFAULT_SERIALIZATION
        : config.serialization().toUpperCase(Locale.ROOT);
    switch (serialization) {
    case "PROTOBUF":
      return new AsofProtobufService(httpClient,
          WireNameTranslation.wrap(new ProtobufTranslationImpl()));
    case "JSON":
      // JSON messages name their type by a short tag, not by a Java class: nothing to rename.
      return new RemoteService(httpClient);
    default:
      throw new IllegalArgumentException("Unknown serialization '" + config.serialization()
          + "'; use PROTOBUF (the default) or JSON");
    }
  }
}
