package io.gatehouse.interop.login;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An unmodified Spring Boot "sign in with" app: spring-boot-starter-oauth2-client configured with the
 * issuer URL, client id and secret only (application.yml); everything else comes from Gatehouse's discovery.
 */
@SpringBootApplication
@RestController
public class LoginApp {
    @GetMapping("/")
    public String hello(@AuthenticationPrincipal OidcUser user) {
        return "Hello, " + user.getFullName() + " <" + user.getEmail() + "> (account " + user.getSubject() + ")";
    }

    public static void main(String[] args) {
        SpringApplication.run(LoginApp.class, args);
    }
}
