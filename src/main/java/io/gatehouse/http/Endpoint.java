package io.gatehouse.http;

/** Handles one matched route: reads the exchange and answers it. */
@FunctionalInterface
public interface Endpoint {
    void handle(Exchange ex) throws Exception;
}
