package io.gatehouse.auth;

/** Turns one kind of credential into a principal, or throws a 401 {@link io.gatehouse.http.ApiException}. */
@FunctionalInterface
public interface CredentialVerifier {
    Principal verify(String credential);
}
