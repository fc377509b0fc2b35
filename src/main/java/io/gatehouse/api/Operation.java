package io.gatehouse.api;

import java.util.ArrayList;
import java.util.List;

/**
 * What the API description says about one route (SPEC §7 v2): a summary, query parameters, the
 * request body and the success answer. Path parameters, security, errors and rate-limit headers
 * come from the route itself.
 */
public final class Operation {
    /** A query parameter; {@code type} is a JSON Schema type. */
    public record Param(String name, String type, boolean required, String description) {
    }

    final String method;
    final String template;
    final String summary;
    final List<Param> query = new ArrayList<>();
    String requestType;
    String requestSchema;
    int status = 200;
    String responseType = "application/json";
    String responseSchema;

    Operation(String method, String template, String summary) {
        this.method = method;
        this.template = template;
        this.summary = summary;
    }

    Operation query(String name, String type, String description) {
        query.add(new Param(name, type, false, description));
        return this;
    }

    Operation required(String name, String type, String description) {
        query.add(new Param(name, type, true, description));
        return this;
    }

    /** A JSON request body of the named schema. */
    Operation body(String schema) {
        return body("application/json", schema);
    }

    Operation body(String contentType, String schema) {
        this.requestType = contentType;
        this.requestSchema = schema;
        return this;
    }

    Operation answers(int status, String schema) {
        this.status = status;
        this.responseSchema = schema;
        return this;
    }

    Operation answers(int status, String contentType, String schema) {
        this.responseType = contentType;
        return answers(status, schema);
    }

    String key() {
        return method + " " + template;
    }
}
