package io.gatehouse.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code GATEHOUSE_TRUSTED_PROXIES} (SPEC §1): the peers whose {@code X-Forwarded-For} / {@code Forwarded}
 * are believed. The client's address is the right-most address of the chain (the forwarded addresses, then
 * the TCP peer) that is not a trusted proxy; with no trusted proxy, or a peer that is not one, it is the
 * TCP peer. Addresses are parsed as literals only, never looked up in DNS.
 */
public final class TrustedProxies {
    /** Trusts nobody: the client address is the TCP peer. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Range> ranges;

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * A comma-separated list of addresses ({@code 10.0.0.5}, {@code ::1}) and CIDRs ({@code 10.0.0.0/8},
     * {@code fd00::/8}); blank is none.
     *
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<Range> ranges = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR");
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + address.length * 8);
                }
            }
            ranges.add(new Range(address, bits));
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether this address (a literal) is a trusted proxy. */
    public boolean trusts(String address) {
        byte[] a = literal(address);
        if (a == null) {
            return false;
        }
        for (Range r : ranges) {
            if (r.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address. {@code forwardedFor} are the {@code X-Forwarded-For} header lines in order,
     * {@code forwarded} the RFC 7239 {@code Forwarded} lines, used only when there is no X-Forwarded-For.
     */
    public String clientAddress(String peer, List<String> forwardedFor, List<String> forwarded) {
        if (ranges.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<String> chain = !forwardedFor.isEmpty() ? splitForwardedFor(forwardedFor) : splitForwarded(forwarded);
        String leftmost = peer;
        for (int i = chain.size() - 1; i >= 0; i--) {
            String hop = chain.get(i);
            if (literal(hop) == null) {
                // Garbage or an obfuscated identifier: nothing to the left of it can be believed.
                return leftmost;
            }
            if (!trusts(hop)) {
                return hop;
            }
            leftmost = hop;
        }
        return leftmost;
    }

    private static List<String> splitForwardedFor(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            for (String part : line.split(",")) {
                out.add(stripPort(part.strip()));
            }
        }
        return out;
    }

    private static List<String> splitForwarded(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            for (String element : line.split(",")) {
                String hop = "unknown";
                for (String pair : element.split(";")) {
                    String p = pair.strip();
                    if (p.regionMatches(true, 0, "for=", 0, 4)) {
                        String v = p.substring(4).strip();
                        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                            v = v.substring(1, v.length() - 1);
                        }
                        hop = stripPort(v);
                    }
                }
                out.add(hop);
            }
        }
        return out;
    }

    /** {@code 1.2.3.4:80} → {@code 1.2.3.4}; {@code [::1]:80} and {@code [::1]} → {@code ::1}. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    /** The bytes of an IPv4 or IPv6 literal, or null for anything else (no DNS lookup ever happens). */
    static byte[] literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 60) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            int zone = s.indexOf('%');
            if (zone >= 0) {
                s = s.substring(0, zone);
            }
            for (int i = 0; i < s.length(); i++) {
                char c = Character.toLowerCase(s.charAt(i));
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.')) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(s.toLowerCase(Locale.ROOT)).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
