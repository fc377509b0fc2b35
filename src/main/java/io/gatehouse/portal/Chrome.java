package io.gatehouse.portal;

import io.gatehouse.account.Account;

/**
 * What the layout (layout.jte) needs on every page.
 *
 * @param account the logged-in account, for the navigation; null for pages without it (login, consent, errors)
 * @param csrf    this browser's CSRF token, repeated by every form
 */
record Chrome(String title, Account account, String csrf) {
}
