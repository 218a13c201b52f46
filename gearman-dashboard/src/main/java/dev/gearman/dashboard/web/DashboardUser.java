package dev.gearman.dashboard.web;

import dev.gearman.dashboard.DashboardException;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who uses the dashboard, as the servlet container knows them (Spring Security fills it in): a name for the log, and
 * whether they are an operator, who may act and see unique ids, client ids and payloads. Anybody else only reads,
 * with those values hidden, as {@code /actuator/gearman} hides them from viewers.
 *
 * @param name the user name, {@code anonymous} if nobody signed in
 * @param operator whether the user has the role {@value #OPERATOR_ROLE}
 * @param signedIn whether somebody signed in
 */
public record DashboardUser(String name, boolean operator, boolean signedIn) {

	/** The role that may act (Spring Security: the authority {@code ROLE_OPERATOR}). */
	public static final String OPERATOR_ROLE = "OPERATOR";

	/** What a hidden value reads. */
	public static final String REDACTED = "******";

	/**
	 * The user of a request.
	 * @param request the request
	 * @return the user
	 */
	public static DashboardUser of(HttpServletRequest request) {
		String name = request.getRemoteUser();
		return new DashboardUser((name != null) ? name : "anonymous", request.isUserInRole(OPERATOR_ROLE),
				name != null);
	}

	/**
	 * Fails unless the user is an operator.
	 * @return the user's name
	 * @throws DashboardException 403 otherwise
	 */
	public String requireOperator() {
		if (!this.operator) {
			throw DashboardException.operatorsOnly();
		}
		return this.name;
	}

	/**
	 * A value operators see and others see hidden.
	 * @param value the value
	 * @return the value, or {@value #REDACTED} (an empty value stays empty: there is nothing to hide)
	 */
	public String shown(String value) {
		return (this.operator || value.isEmpty()) ? value : REDACTED;
	}

}
