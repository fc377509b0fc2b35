package io.gatehouse.interop.login;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An unmodified Spring Boot "sign in with" app: spring-boot-starter-oauth2-client configured with the
 * issuer URL, client id and secret only (application.yml); everything else comes from Gatehouse's discovery.
 * Spring asks for no scope then, so the person arrives as an {@link OAuth2User} whose attributes are
 * Gatehouse's {@code /oauth/userinfo} answer (its name is {@code sub}, the account id). With
 * {@code scope: openid,profile,email} added it would be an {@code OidcUser}, with the same attributes.
 */
@SpringBootApplication
@RestController
public class LoginApp {
    @GetMapping("/")
    public String hello(@AuthenticationPrincipal OAuth2User user) {
        return "Hello, " + user.getAttribute("name") + " <" + user.getAttribute("email") + "> (account " + user.getName() + ")";
    }

    public static void main(String[] args) {
        SpringApplication.run(LoginApp.class, args);
    }
}
