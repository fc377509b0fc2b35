package io.gatehouse.mail;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail through an SMTP server (Jakarta Mail, Eclipse Angus), from {@code GATEHOUSE_SMTP_URL}:
 * {@code smtp://user:pass@host:587?starttls=true} or {@code smtps://user:pass@host:465}. One sender
 * thread with a bounded queue: a burst of requests cannot pile up unbounded work or threads.
 */
public final class SmtpMailer implements Mailer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpMailer.class);
    private static final int QUEUE = 200;
    private static final String TIMEOUT_MILLIS = "10000";

    private final Session session;
    private final InternetAddress from;
    private final ExecutorService sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), Thread.ofPlatform().daemon().name("gatehouse-mail").factory());

    public SmtpMailer(String url, String from) {
        URI u = URI.create(url);
        boolean ssl = "smtps".equalsIgnoreCase(u.getScheme());
        String protocol = ssl ? "smtps" : "smtp";
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put("mail.transport.protocol", protocol);
        props.put(p + "host", u.getHost());
        props.put(p + "port", Integer.toString(u.getPort() > 0 ? u.getPort() : ssl ? 465 : 25));
        props.put(p + "connectiontimeout", TIMEOUT_MILLIS);
        props.put(p + "timeout", TIMEOUT_MILLIS);
        props.put(p + "writetimeout", TIMEOUT_MILLIS);
        String query = u.getRawQuery() == null ? "" : u.getRawQuery();
        if (query.matches("(^|.*&)starttls=true(&.*|$)")) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        Authenticator auth = null;
        String userInfo = u.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            props.put(p + "auth", "true");
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        this.session = Session.getInstance(props, auth);
        try {
            this.from = new InternetAddress(from, true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("GATEHOUSE_MAIL_FROM is not a mail address", e);
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void send(String to, String subject, String text) {
        try {
            sender.execute(() -> deliver(to, subject, text));
        } catch (RejectedExecutionException e) {
            LOG.warn("mail queue full ({} waiting): a message was dropped", QUEUE);
        }
    }

    private void deliver(String to, String subject, String text) {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            m.setSubject(subject, "UTF-8");
            m.setSentDate(new Date());
            m.setText(text, "UTF-8");
            Transport.send(m);
        } catch (MessagingException | RuntimeException e) {
            // The text holds a link that must not reach a log; the error's class and message do not hold it.
            LOG.warn("could not send mail: {}", e.toString());
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        sender.shutdown();
    }
}
