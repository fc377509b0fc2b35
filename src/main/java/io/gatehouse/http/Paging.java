package io.gatehouse.http;

/** {@code limit} (1..100, else 400/20042) and {@code offset} (0 or more) query parameters. */
public record Paging(int limit, int offset) {
    public static final int MAX_LIMIT = 100;

    public static Paging of(Exchange ex, int defaultLimit) {
        int limit = defaultLimit;
        String l = ex.query("limit");
        if (l != null) {
            limit = parse(l, -1);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new ApiException(ApiError.LIMIT_NOT_VALID, "limit must be between 1 and " + MAX_LIMIT);
            }
        }
        int offset = 0;
        String o = ex.query("offset");
        if (o != null) {
            offset = parse(o, -1);
            if (offset < 0) {
                throw ApiException.invalid("offset must be a whole number, 0 or more");
            }
        }
        return new Paging(limit, offset);
    }

    private static int parse(String s, int fallback) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
