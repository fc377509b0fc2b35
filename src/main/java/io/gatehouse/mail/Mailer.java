package io.gatehouse.mail;

/** Sends plain-text mail. {@link #NONE} when no SMTP server is configured: nothing is sent. */
public interface Mailer {
    Mailer NONE = new Mailer() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void send(String to, String subject, String text) {
        }
    };

    /** Whether mail really leaves this server. */
    boolean enabled();

    /**
     * Queues a message and returns at once: the caller's answer never waits for, or tells anything
     * through its timing about, the mail server. Failures are logged, never thrown.
     */
    void send(String to, String subject, String text);
}
