package dev.gearman.spring.core;

/**
 * Adjusts the auto-configured {@link GearmanTemplate}.
 */
@FunctionalInterface
public interface GearmanTemplateCustomizer {

	/**
	 * Customizes the template.
	 * @param template the template
	 */
	void customize(GearmanTemplate template);

}
