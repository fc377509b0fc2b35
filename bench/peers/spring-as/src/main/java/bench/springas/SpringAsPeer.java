package bench.springas;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Spring Authorization Server as Spring Boot configures it from application.properties, with one change:
 * the password encoder. With Spring Security's default encoder, Spring AS "upgrades" a {noop} client
 * secret to bcrypt after its first use (ClientSecretAuthenticationProvider re-encodes and saves the client),
 * and every later grant pays a bcrypt check (~100 ms of CPU). This encoder makes {noop} the default, so
 * the secret stays plain as configured: the setup the figures were taken with.
 */
@SpringBootApplication
public class SpringAsPeer {
    public static void main(String[] args) {
        SpringApplication.run(SpringAsPeer.class, args);
    }

    @Bean
    @SuppressWarnings("deprecation") // NoOpPasswordEncoder: a plain secret is what this peer is meant to measure
    PasswordEncoder passwordEncoder() {
        return new DelegatingPasswordEncoder("noop", Map.of("noop", NoOpPasswordEncoder.getInstance(),
                "bcrypt", new BCryptPasswordEncoder()));
    }
}
