package io.gatehouse.account;

/** A validated request to create an account; the password is still plain here and hashed by {@link Accounts}. */
public record NewAccount(String email, String password, String firstName, String lastName, Role role) {
    @Override
    public String toString() {
        return "NewAccount[email=" + email + ", role=" + role + "]";
    }
}
