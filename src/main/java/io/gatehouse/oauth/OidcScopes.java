package io.gatehouse.oauth;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * OpenID Connect Core 1.0 §5.4 scopes: {@code openid}, {@code profile}, {@code email}. They need no
 * permission of the app: any app may ask an account who it is, and the account sees that on the
 * consent page in plain words.
 */
public final class OidcScopes {
    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String EMAIL = "email";
    public static final List<String> ALL = List.of(OPENID, PROFILE, EMAIL);
    /** The permission of {@code GET /v1.0/me}, which shows the account's name and email address. */
    static final String USER_READ = "user.read";
    private static final Set<String> SET = Set.copyOf(ALL);

    private OidcScopes() {
    }

    public static boolean isOidc(String scope) {
        return SET.contains(scope);
    }

    /**
     * RFC 6749 §3.3 with OIDC: the requested scope, each within the app's permissions or an OpenID scope;
     * all the app's permissions when none was asked. A sign-in request (with {@code openid}) gets what it
     * may have and the rest is left out rather than refused (§3.3 allows it; the token response names the
     * scope granted): relying-party libraries configured from discovery ask for every scope it lists.
     */
    public static List<String> resolve(String requested, List<String> permissions) {
        if (requested == null || requested.isBlank()) {
            return List.copyOf(permissions);
        }
        List<String> asked = Arrays.stream(requested.strip().split(" +")).distinct().toList();
        if (asked.contains(OPENID)) {
            return asked.stream().filter(s -> isOidc(s) || permissions.contains(s)).toList();
        }
        for (String s : asked) {
            if (!isOidc(s) && !permissions.contains(s)) {
                throw OAuthException.invalidScope("Scope '" + s + "' is not granted to this app.");
            }
        }
        return asked;
    }

    /**
     * The OpenID scopes whose claims {@code /oauth/userinfo} releases for a token of this scope: its own
     * {@code profile} and {@code email}, and both when it holds {@code user.read} (it can read the same
     * name and address through {@code GET /v1.0/me}, so userinfo shows it nothing new).
     */
    public static List<String> released(Collection<String> tokenScope) {
        boolean me = tokenScope.contains(USER_READ);
        return Stream.of(PROFILE, EMAIL).filter(s -> me || tokenScope.contains(s)).toList();
    }

    /** What the consent page says an OpenID scope lets the app do; null for a permission. */
    public static String describe(String scope) {
        return switch (scope) {
            case OPENID -> "Know who you are: your account id, and when you logged in";
            case PROFILE -> "See your name";
            case EMAIL -> "See your email address";
            default -> null;
        };
    }
}
