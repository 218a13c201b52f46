package dev.gearman.spring.core;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.gearman.spring.annotation.GearmanFunction;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link GearmanFunction} methods on beans and registers them with the {@link GearmanWorkerRegistry}. Works
 * on proxies (e.g. {@code @Transactional} beans): the method is invoked through the proxy, and a JDK proxy that
 * does not expose the method fails at startup with a message that says how to fix it.
 */
public class GearmanFunctionAnnotationBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	/** The bean name this post-processor is registered under. */
	public static final String BEAN_NAME = "dev.gearman.spring.internalGearmanFunctionAnnotationProcessor";

	private final Set<Class<?>> classesWithoutFunctions = ConcurrentHashMap.newKeySet();

	private ConfigurableBeanFactory beanFactory;

	private GearmanWorkerRegistry registry;

	private GearmanPayloadConverter converter;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutFunctions.contains(targetClass)) {
			return bean;
		}
		Map<Method, GearmanFunction> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<GearmanFunction>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, GearmanFunction.class));
		if (methods.isEmpty()) {
			this.classesWithoutFunctions.add(targetClass);
			return bean;
		}
		methods.forEach((method, annotation) -> register(bean, beanName, method, annotation));
		return bean;
	}

	private void register(Object bean, String beanName, Method method, GearmanFunction annotation) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("@GearmanFunction method '" + method.getName() + "' of bean '" + beanName
					+ "' cannot be invoked through the bean's JDK proxy; declare it on an interface the bean"
					+ " implements, or proxy the target class (spring.aop.proxy-target-class=true)", ex);
		}
		String name = StringUtils.hasText(annotation.name()) ? resolve(annotation.name()) : method.getName();
		String id = StringUtils.hasText(annotation.id()) ? resolve(annotation.id()) : name;
		int concurrency = resolveInt(annotation.concurrency(), "concurrency", beanName, method);
		Duration timeout = resolveDuration(annotation.timeout(), beanName, method);
		MethodGearmanFunction handler = new MethodGearmanFunction(beanName, bean, invocable, name, converter());
		registry().register(new GearmanFunctionEndpoint(id, name, concurrency, timeout, handler));
	}

	private String resolve(String value) {
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		return (resolved != null) ? resolved : value;
	}

	private int resolveInt(String value, String attribute, String beanName, Method method) {
		if (!StringUtils.hasText(value)) {
			return 0;
		}
		String resolved = resolve(value);
		try {
			int result = Integer.parseInt(resolved.trim());
			if (result < 0) {
				throw new NumberFormatException("negative");
			}
			return result;
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException("@GearmanFunction " + attribute + " '" + resolved + "' of method '"
					+ method.getName() + "' of bean '" + beanName + "' is not a non-negative integer", ex);
		}
	}

	private Duration resolveDuration(String value, String beanName, Method method) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String resolved = resolve(value);
		try {
			return DurationStyle.detectAndParse(resolved.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@GearmanFunction timeout '" + resolved + "' of method '"
					+ method.getName() + "' of bean '" + beanName + "' is not a duration (e.g. 30s, 500ms)", ex);
		}
	}

	private GearmanWorkerRegistry registry() {
		if (this.registry == null) {
			this.registry = this.beanFactory.getBean(GearmanWorkerRegistry.class);
		}
		return this.registry;
	}

	private GearmanPayloadConverter converter() {
		if (this.converter == null) {
			this.converter = this.beanFactory.getBean(GearmanPayloadConverter.class);
		}
		return this.converter;
	}

}
