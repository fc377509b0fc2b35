package io.gatehouse.mail;

import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;

/** Outgoing mail: SMTP when {@code GATEHOUSE_SMTP_URL} is set, else none (SPEC §1). */
public final class MailModule {
    public final Mailer mailer;

    public MailModule(Settings settings) {
        this.mailer = settings.smtpUrl() == null ? Mailer.NONE : new SmtpMailer(settings.smtpUrl(), settings.mailFrom());
    }

    public void schedule(Jobs jobs) {
        if (mailer instanceof SmtpMailer smtp) {
            jobs.atStop(smtp::close);
        }
    }
}
