package dev.gearman.server.app;

import java.io.IOException;

import dev.gearman.server.app.HttpSecurityProperties.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * The dashboard ({@code /dashboard/**}) behind Spring Security, with the users and roles of the rest of the HTTP
 * side ({@code gearman.server.http.users.*}): pages and JSON reads for {@link Role#VIEWER} and {@link Role#OPERATOR},
 * every post (the buttons, the API's actions) for {@link Role#OPERATOR} only. Browsers sign in on the dashboard's
 * own form and keep a session; scripts may send HTTP Basic instead.
 * <p>
 * Unlike the actuator, the dashboard has a session cookie a browser sends by itself, so every post must carry the
 * CSRF token: the pages' forms hold it, and scripts send the {@code XSRF-TOKEN} cookie's value back as the
 * {@code X-XSRF-TOKEN} header (the cookie comes with any page, e.g. {@code GET /dashboard}). A post from another
 * site, which cannot read the cookie, is refused with 403.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DashboardSecurityConfiguration {

	private static final String DASHBOARD = "/dashboard";

	@Bean
	@Order(1)
	SecurityFilterChain gearmanDashboardSecurity(HttpSecurity http) throws Exception {
		String viewer = Role.VIEWER.name();
		String operator = Role.OPERATOR.name();
		// the plain handler takes the token as the cookie holds it; the default one (masked against BREACH) would
		// refuse a script's header copied from the cookie
		CsrfTokenRequestAttributeHandler csrfTokens = new CsrfTokenRequestAttributeHandler();
		http.securityMatcher(DASHBOARD + "/**", DASHBOARD)
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(DASHBOARD + "/login", DASHBOARD + "/assets/**").permitAll()
				.requestMatchers(HttpMethod.GET, DASHBOARD, DASHBOARD + "/**").hasAnyRole(viewer, operator)
				.requestMatchers(HttpMethod.HEAD, DASHBOARD, DASHBOARD + "/**").hasAnyRole(viewer, operator)
				.anyRequest().hasRole(operator))
			.formLogin((login) -> login.loginPage(DASHBOARD + "/login").defaultSuccessUrl(DASHBOARD, false))
			.httpBasic(Customizer.withDefaults())
			.logout((logout) -> logout.logoutUrl(DASHBOARD + "/logout").logoutSuccessUrl(DASHBOARD + "/login?logout"))
			.csrf((csrf) -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
				.csrfTokenRequestHandler(csrfTokens))
			// answered here: an error dispatch to /error would pass the actuator's stateless chain, which knows no
			// session and would turn the 403 into a 401
			.exceptionHandling((exceptions) -> exceptions.accessDeniedHandler(DashboardSecurityConfiguration::denied));
		return http.build();
	}

	private static void denied(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException denied) throws IOException {
		response.setStatus(HttpServletResponse.SC_FORBIDDEN);
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter()
			.write((denied instanceof CsrfException) ? "Forbidden: the request carries no valid CSRF token\n"
					: "Forbidden: only operators may do this\n");
	}

}
