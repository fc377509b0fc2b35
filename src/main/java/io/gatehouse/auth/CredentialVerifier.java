package io.gatehouse.auth;

/** Turns one kind of credential into a principal, or throws {@link io.gatehouse.core.DomainException} of kind UNAUTHENTICATED. */
@FunctionalInterface
public interface CredentialVerifier {
    Principal verify(String credential);
}
