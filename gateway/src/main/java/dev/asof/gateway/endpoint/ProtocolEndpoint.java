package dev.asof.gateway.endpoint;

/** A running protocol endpoint started by a {@link ProtocolEndpointFactory}; closing it stops serving. */
public interface ProtocolEndpoint extends AutoCloseable {
    /** One line for the start-up banner, e.g. {@code Flight SQL URL: grpc://127.0.0.1:8815}. */
    String describe();

    /** The URL clients connect to, e.g. {@code grpc://127.0.0.1:8815}. */
    String url();

    @Override
    void close();
}
