package dev.gearman.server.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Users of the server app's HTTP side (the actuator), for HTTP Basic authentication: a viewer reads health details,
 * metrics and the job report with unique ids hidden; an operator also sees unique ids and client ids and may use
 * every endpoint that changes state.
 */
@ConfigurationProperties("gearman.server.http")
public class HttpSecurityProperties {

	/**
	 * Users by name, each with a password as Spring Security's DelegatingPasswordEncoder reads it ('{bcrypt}...' or
	 * '{noop}...') and roles ('viewer', 'operator'). No users = only /actuator/health answers, with its status only.
	 */
	private Map<String, User> users = new LinkedHashMap<>();

	public Map<String, User> getUsers() {
		return this.users;
	}

	public void setUsers(Map<String, User> users) {
		this.users = users;
	}

	/**
	 * One user.
	 */
	public static class User {

		/**
		 * Password with its encoding: '{bcrypt}$2a$10$...' (e.g. from 'htpasswd -bnBC 10 "" secret', with the
		 * leading ':' removed) or '{noop}secret'.
		 */
		private @Nullable String password;

		/**
		 * Roles: 'viewer' (read-only endpoints, health details, unique ids hidden) and 'operator' (everything).
		 */
		private List<Role> roles = new ArrayList<>(List.of(Role.VIEWER));

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public List<Role> getRoles() {
			return this.roles;
		}

		public void setRoles(List<Role> roles) {
			this.roles = roles;
		}

	}

	/**
	 * What a user may do over HTTP.
	 */
	public enum Role {

		/** Reads: health details, metrics, {@code /actuator/gearman} without unique ids and client ids. */
		VIEWER,

		/** Everything, including the endpoints that change state and the values viewers do not see. */
		OPERATOR

	}

}
