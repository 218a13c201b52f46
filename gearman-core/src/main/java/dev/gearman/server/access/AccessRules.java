package dev.gearman.server.access;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.gearman.server.Glob;

/**
 * An access list: rules that grant identities the right to submit, to work and to use admin commands, each on
 * function-name patterns. What no rule grants is denied. Patterns are globs: {@code *} matches any run of
 * characters, everything else matches itself; {@code *} alone matches everything. A rule's identity pattern may be
 * {@value AccessPolicy#ANONYMOUS} for connections without a client certificate.
 * <pre>
 * AccessRules rules = AccessRules.builder()
 *     .rule("CN=billing,O=Example", (r) -&gt; r.submit("invoice.*"))
 *     .rule("CN=invoice-worker,*", (r) -&gt; r.work("invoice.*"))
 *     .rule("CN=ops,*", (r) -&gt; r.admin(AdminAccess.WRITE))
 *     .build();
 * </pre>
 */
public final class AccessRules implements AccessPolicy {

	private final List<Rule> rules;

	private AccessRules(List<Rule> rules) {
		this.rules = List.copyOf(rules);
	}

	/**
	 * Starts an access list.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public boolean maySubmit(String identity, String function) {
		for (Rule rule : this.rules) {
			if (rule.identity.matcher(identity).matches() && matchesAny(rule.submit, function)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public boolean mayWork(String identity, String function) {
		for (Rule rule : this.rules) {
			if (rule.identity.matcher(identity).matches() && matchesAny(rule.work, function)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public boolean mayAdmin(String identity, AdminAccess access) {
		for (Rule rule : this.rules) {
			if (rule.identity.matcher(identity).matches() && rule.admin != null
					&& (rule.admin == AdminAccess.WRITE || access == AdminAccess.READ)) {
				return true;
			}
		}
		return false;
	}

	private static boolean matchesAny(List<Pattern> patterns, String name) {
		for (Pattern pattern : patterns) {
			if (pattern.matcher(name).matches()) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "access list with " + this.rules.size() + " rules";
	}

	private static final class Rule {

		private final Pattern identity;

		private final List<Pattern> submit = new ArrayList<>();

		private final List<Pattern> work = new ArrayList<>();

		private AdminAccess admin;

		Rule(String identity) {
			this.identity = Glob.compile(identity);
		}

	}

	/**
	 * Builds an {@link AccessRules}.
	 */
	public static final class Builder {

		private final List<Rule> rules = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Adds a rule for the identities a pattern matches.
		 * @param identity a glob over identities, e.g. {@code CN=billing,*} or {@code anonymous}
		 * @param grants what the rule grants
		 * @return this builder
		 */
		public Builder rule(String identity, java.util.function.Consumer<RuleBuilder> grants) {
			Rule rule = new Rule(identity);
			grants.accept(new RuleBuilder(rule));
			this.rules.add(rule);
			return this;
		}

		/**
		 * Builds the access list.
		 * @return the rules
		 */
		public AccessRules build() {
			return new AccessRules(this.rules);
		}

	}

	/**
	 * The grants of one rule.
	 */
	public static final class RuleBuilder {

		private final Rule rule;

		private RuleBuilder(Rule rule) {
			this.rule = rule;
		}

		/**
		 * Grants submitting jobs of, and querying the status of jobs of, matching functions.
		 * @param functions globs over function names
		 * @return this builder
		 */
		public RuleBuilder submit(String... functions) {
			for (String function : functions) {
				this.rule.submit.add(Glob.compile(function));
			}
			return this;
		}

		/**
		 * Grants registering as a worker for matching functions.
		 * @param functions globs over function names
		 * @return this builder
		 */
		public RuleBuilder work(String... functions) {
			for (String function : functions) {
				this.rule.work.add(Glob.compile(function));
			}
			return this;
		}

		/**
		 * Grants admin commands: {@link AdminAccess#READ} the listings, {@link AdminAccess#WRITE} everything.
		 * @param access the level
		 * @return this builder
		 */
		public RuleBuilder admin(AdminAccess access) {
			this.rule.admin = access;
			return this;
		}

	}

}
