package dev.gearman.spring.service;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.gearman.spring.annotation.GearmanExchange;
import dev.gearman.spring.core.GearmanTemplate;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringValueResolver;

/**
 * Registers the beans of {@link ImportGearmanServices}: one per typed client, created by the context's
 * {@link GearmanServiceProxyFactory} (or one made on its {@link GearmanTemplate}) when first needed.
 */
class GearmanServicesRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {

	private Environment environment;

	private ResourceLoader resourceLoader;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ImportGearmanServices.class.getName());
		AnnotationAttributes imports = AnnotationAttributes.fromMap(attributes);
		if (imports == null) {
			return;
		}
		Set<String> typeNames = new LinkedHashSet<>();
		for (Class<?> type : imports.getClassArray("types")) {
			typeNames.add(type.getName());
		}
		Set<String> packages = new LinkedHashSet<>();
		for (String name : imports.getStringArray("basePackages")) {
			packages.add(name);
		}
		for (Class<?> type : imports.getClassArray("basePackageClasses")) {
			packages.add(ClassUtils.getPackageName(type));
		}
		if (typeNames.isEmpty() && packages.isEmpty()) {
			packages.add(ClassUtils.getPackageName(metadata.getClassName()));
		}
		ClassPathScanningCandidateComponentProvider scanner = new InterfaceScanner(this.environment);
		scanner.setResourceLoader(this.resourceLoader);
		scanner.addIncludeFilter(new AnnotationTypeFilter(GearmanExchange.class, true, true));
		for (String name : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(name)) {
				typeNames.add(candidate.getBeanClassName());
			}
		}
		ClassLoader classLoader = this.resourceLoader.getClassLoader();
		for (String typeName : typeNames) {
			if (!registry.containsBeanDefinition(typeName)) {
				register(registry, ClassUtils.resolveClassName(typeName, classLoader));
			}
		}
	}

	private static <S> void register(BeanDefinitionRegistry registry, Class<S> type) {
		BeanFactory beanFactory = (BeanFactory) registry;
		RootBeanDefinition definition = new RootBeanDefinition(type);
		definition.setInstanceSupplier(() -> proxyFactory(beanFactory).createClient(type));
		registry.registerBeanDefinition(type.getName(), definition);
	}

	private static GearmanServiceProxyFactory proxyFactory(BeanFactory beanFactory) {
		GearmanServiceProxyFactory factory = beanFactory.getBeanProvider(GearmanServiceProxyFactory.class)
			.getIfUnique();
		if (factory != null) {
			return factory;
		}
		StringValueResolver resolver = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable::resolveEmbeddedValue : (value) -> value;
		return new GearmanServiceProxyFactory(beanFactory.getBean(GearmanTemplate.class), resolver);
	}

	/** Finds interfaces, which component scanning skips. */
	private static final class InterfaceScanner extends ClassPathScanningCandidateComponentProvider {

		InterfaceScanner(Environment environment) {
			super(false, environment);
		}

		@Override
		protected boolean isCandidateComponent(
				org.springframework.beans.factory.annotation.AnnotatedBeanDefinition beanDefinition) {
			return beanDefinition.getMetadata().isInterface() && beanDefinition.getMetadata().isIndependent();
		}

	}

}
