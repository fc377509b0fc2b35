package io.gatehouse.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's JSON object with typed, validating reads. Every failure is a 400 INVALID_PARAMETER
 * whose message names the field; unknown fields are ignored.
 */
public final class JsonBody {
    private final ObjectNode node;

    public JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** Whether the body names the field at all, JSON null included (a PUT that clears it). */
    public boolean present(String field) {
        return node.has(field);
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    public String requiredString(String field, int maxLength) {
        String v = optionalString(field, maxLength);
        if (v == null || v.isBlank()) {
            throw ApiException.invalid(field + " is required");
        }
        return v;
    }

    /** A string field, or null when absent or JSON null; blank strings stay as they are. */
    public String optionalString(String field, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(field + " must be a string");
        }
        String s = v.textValue();
        if (s.indexOf('\0') >= 0) {
            throw ApiException.invalid(field + " must not contain a NUL character");
        }
        if (s.length() > maxLength) {
            throw ApiException.invalid(field + " must be at most " + maxLength + " characters");
        }
        return s;
    }

    public Long optionalLong(String field, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalid(field + " must be a whole number");
        }
        long n = v.longValue();
        if (n < min || n > max) {
            throw ApiException.invalid(field + " must be between " + min + " and " + max);
        }
        return n;
    }

    /** A boolean field, or null when absent or JSON null. */
    public Boolean optionalBoolean(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(field + " must be true or false");
        }
        return v.booleanValue();
    }

    /** A list of strings, or null when absent; each element is checked against maxLength. */
    public List<String> optionalStrings(String field, int maxItems, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw ApiException.invalid(field + " must be an array of strings");
        }
        if (v.size() > maxItems) {
            throw ApiException.invalid(field + " must have at most " + maxItems + " items");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw ApiException.invalid(field + " must be an array of strings");
            }
            if (item.textValue().indexOf('\0') >= 0) {
                throw ApiException.invalid(field + " items must not contain a NUL character");
            }
            if (item.textValue().length() > maxLength) {
                throw ApiException.invalid(field + " items must be at most " + maxLength + " characters");
            }
            out.add(item.textValue());
        }
        return out;
    }


    public ObjectNode node() {
        return node;
    }
}
