package dev.gearman.spring.boot.autoconfigure.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code gearman} actuator endpoint, under the prefix Spring Boot gives every endpoint.
 */
@ConfigurationProperties("management.endpoint.gearman")
public class GearmanEndpointProperties {

	/**
	 * When to show unique ids and client ids, which often carry business keys: 'never', 'when-authorized' or
	 * 'always'. Hidden values read '******'.
	 */
	private Show showValues = Show.WHEN_AUTHORIZED;

	/**
	 * Roles allowed to see unique ids and client ids when show-values is 'when-authorized'. Empty = every
	 * authenticated caller.
	 */
	private Set<String> roles = new LinkedHashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}
