package io.gatehouse.interop.rs;

import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring resource server that accepts Gatehouse access tokens: spring-boot-starter-oauth2-resource-server
 * with the issuer URL only (application.yml), plus the one bean that accepts RFC 9068 tokens
 * ({@code typ: at+jwt}; Spring Security 7's default decoder expects {@code JWT}).
 */
@SpringBootApplication
@RestController
public class ResourceServerApp {
    @Bean
    JwtDecoder jwtDecoder(@Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer) {
        // Nimbus's own typ check accepts only JWT: turn it off and check typ (and iss, aud, exp) in Spring's validators.
        // (JwtValidators.createAtJwtValidator() would also need one client_id: a resource server serves every app.)
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer).validateType(false).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(
                new JwtIssuerValidator(issuer), new JwtAudienceValidator(issuer), new JwtTypeValidator("at+jwt")));
        return decoder;
    }

    @GetMapping("/whoami")
    public Map<String, Object> whoami(@AuthenticationPrincipal Jwt jwt) {
        return Map.of("account", jwt.getSubject(), "client_id", jwt.getClaimAsString("client_id"), "scope", jwt.getClaimAsString("scope"));
    }

    public static void main(String[] args) {
        SpringApplication.run(ResourceServerApp.class, args);
    }
}
