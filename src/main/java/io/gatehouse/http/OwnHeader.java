package io.gatehouse.http;

import io.helidon.common.GenericType;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.mapper.Value;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderValues;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A response header Gatehouse makes itself, checked once when it is made instead of on every response
 * (docs/decisions.md, "Response headers Gatehouse makes are checked when made"). Helidon checks every
 * response header before it writes it (name a token, value free of control characters: no CR/LF
 * injection, SPEC §11); for a header built here that check can only find what the constructor already
 * refused, so {@link #validate()} does nothing and the header's bytes are made once.
 *
 * <p>Only values this class can vouch for are accepted: a constant ({@link #of}, checked by Helidon's own
 * rules in the constructor), a number ({@link #number}: digits and a sign, nothing else can come out of
 * {@code Long.toString}), or a value checked here against a narrow set of characters ({@link #safe}).
 * Headers relayed from elsewhere (a proxied upstream's answer) never come through here; they are set as
 * plain headers and Helidon checks them on every response.
 */
public final class OwnHeader implements Header {
    private final Header header;

    private OwnHeader(Header header) {
        this.header = header;
    }

    /** A header of constant text: checked now, its bytes made now, nothing done per response. */
    public static OwnHeader of(HeaderName name, String value) {
        Header h = HeaderValues.createCached(name, value);
        h.validate(); // throws IllegalArgumentException for a bad name or value, once, at start-up
        return new OwnHeader(h);
    }

    /** A number: nothing but digits and a minus sign can be in it. */
    public static OwnHeader number(HeaderName name, long value) {
        return new OwnHeader(HeaderValues.create(name, Long.toString(value)));
    }

    /**
     * A value made of letters, digits, space and {@code -_.:;=",} (an id, a structured field of our own
     * making); anything else is refused here, so nothing is left for the per-response check.
     *
     * @throws IllegalArgumentException if the value is empty, starts with a space, or holds another character
     */
    public static OwnHeader safe(HeaderName name, String value) {
        if (value.isEmpty() || value.charAt(0) == ' ') {
            throw new IllegalArgumentException("header " + name.defaultCase() + ": empty or leading space");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!safe(value.charAt(i))) {
                throw new IllegalArgumentException("header " + name.defaultCase() + ": character at " + i + " not allowed");
            }
        }
        return new OwnHeader(HeaderValues.create(name, value));
    }

    private static boolean safe(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '_' || c == '.' || c == ':' || c == ';' || c == '=' || c == '"' || c == ',' || c == ' ';
    }

    /** Checked when made (see the class comment): nothing to check again. */
    @Override
    public void validate() {
    }

    @Override
    public void writeHttp1Header(BufferData buffer) {
        header.writeHttp1Header(buffer);
    }

    @Override
    public byte[] valueBytes() {
        return header.valueBytes();
    }

    @Override
    public String name() {
        return header.name();
    }

    @Override
    public HeaderName headerName() {
        return header.headerName();
    }

    @Override
    public String get() {
        return header.get();
    }

    @Override
    public List<String> allValues() {
        return header.allValues();
    }

    @Override
    public int valueCount() {
        return header.valueCount();
    }

    @Override
    public boolean sensitive() {
        return header.sensitive();
    }

    @Override
    public boolean changing() {
        return header.changing();
    }

    @Override
    public <N> Value<N> as(Class<N> type) {
        return header.as(type);
    }

    @Override
    public <N> Value<N> as(GenericType<N> type) {
        return header.as(type);
    }

    @Override
    public <N> Value<N> as(Function<? super String, ? extends N> mapper) {
        return header.as(mapper);
    }

    @Override
    public Optional<String> asOptional() {
        return header.asOptional();
    }

    @Override
    public Value<Boolean> asBoolean() {
        return header.asBoolean();
    }

    @Override
    public Value<String> asString() {
        return header.asString();
    }

    @Override
    public Value<Integer> asInt() {
        return header.asInt();
    }

    @Override
    public Value<Long> asLong() {
        return header.asLong();
    }

    @Override
    public Value<Double> asDouble() {
        return header.asDouble();
    }

    @Override
    public String toString() {
        return header.toString();
    }
}
