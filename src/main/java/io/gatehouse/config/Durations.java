package io.gatehouse.config;

import java.time.Duration;

/** Parses the durations settings accept: bare seconds ("3600") or a number with s, m, h or d. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        char unit = t.charAt(t.length() - 1);
        String digits = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> {
                if (!Character.isDigit(unit)) {
                    throw new IllegalArgumentException("unknown unit in " + text);
                }
                yield Duration.ofSeconds(n);
            }
        };
    }
}
