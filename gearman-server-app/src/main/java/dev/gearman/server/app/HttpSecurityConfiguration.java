package dev.gearman.server.app;

import java.util.Map;

import dev.gearman.server.app.HttpSecurityProperties.Role;
import dev.gearman.server.app.HttpSecurityProperties.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The server app's HTTP side behind Spring Security, with two roles: {@code /actuator/health} (and its probes)
 * answers everyone with its status, its details only users; reads need {@link Role#VIEWER} or
 * {@link Role#OPERATOR}; anything else, every request that may change state, needs {@link Role#OPERATOR}. Users come
 * from {@code gearman.server.http.users.*} and authenticate with HTTP Basic; sessions are not kept, so every request
 * carries its credentials.
 * <p>
 * Only when the app serves HTTP ({@code spring.main.web-application-type=none} runs the job server alone).
 * <p>
 * To authenticate against OAuth2 or LDAP instead, replace the {@code gearmanHttpUsers} bean or add the
 * corresponding Spring Security support, and grant the authorities {@code ROLE_VIEWER} and {@code ROLE_OPERATOR}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(HttpSecurityProperties.class)
class HttpSecurityConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(HttpSecurityConfiguration.class);

	@Bean
	SecurityFilterChain gearmanHttpSecurity(HttpSecurity http) throws Exception {
		String viewer = Role.VIEWER.name();
		String operator = Role.OPERATOR.name();
		http.authorizeHttpRequests((requests) -> requests
			// probes and load balancers read the status without credentials (the health endpoint only reads);
			// management.endpoint.health.show-details keeps the details for users
			.requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
			// dead letters and job history carry payloads and results: what unique ids are to the gearman endpoint
			.requestMatchers(EndpointRequest.to("deadletters", "jobhistory")).hasRole(operator)
			.requestMatchers(HttpMethod.GET, "/**").hasAnyRole(viewer, operator)
			.requestMatchers(HttpMethod.HEAD, "/**").hasAnyRole(viewer, operator)
			.anyRequest().hasRole(operator))
			.httpBasic(Customizer.withDefaults())
			// no cookies and no sessions: a browser cannot be tricked into replaying an operator's request
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	PasswordEncoder gearmanHttpPasswordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	InMemoryUserDetailsManager gearmanHttpUsers(HttpSecurityProperties properties) {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
		for (Map.Entry<String, User> entry : properties.getUsers().entrySet()) {
			String key = "gearman.server.http.users." + entry.getKey();
			User user = entry.getValue();
			String password = user.getPassword();
			if (password == null || !password.startsWith("{") || password.indexOf('}') < 2) {
				// a password without its encoding would fail every login with an obscure error: fail at startup
				throw new InvalidConfigurationPropertyValueException(key + ".password", "******",
						"Give the password with its encoding: '{bcrypt}$2a$10$...' or '{noop}secret'.");
			}
			if (user.getRoles().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(key + ".roles", "",
						"Give the user the role viewer or operator.");
			}
			UserDetails details = org.springframework.security.core.userdetails.User.withUsername(entry.getKey())
				.password(password)
				.roles(user.getRoles().stream().map(Role::name).toArray(String[]::new))
				.build();
			users.createUser(details);
		}
		if (properties.getUsers().isEmpty()) {
			logger.info("No HTTP users (gearman.server.http.users): /actuator/health answers with its status only,"
					+ " every other endpoint needs credentials");
		}
		return users;
	}

}
