package dev.gearman.spring.core;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.gearman.spring.annotation.GearmanFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link GearmanFunction} methods on beans and registers them with the {@link GearmanWorkerRegistry}.
 * <p>
 * Attributes are resolved (placeholders, numbers, durations) and proxies checked as each bean is initialized, so
 * a bad attribute fails at once, naming the bean and the method. Registration itself waits until every singleton
 * exists ({@link #afterSingletonsInstantiated()}), so that looking up the registry, the payload converter and the
 * job servers does not create them while the application's own beans are still being built; a bean created later
 * (lazy, prototype) is registered at once.
 * <p>
 * Works on proxies (e.g. {@code @Transactional} beans): the method is invoked through the proxy, so its advice
 * runs. Where that cannot work the application fails to start with a message that says how to fix it: a JDK proxy
 * that does not expose the method, a private method on a CGLIB proxy, or a final method on a CGLIB proxy (which
 * would run on the proxy instance, bypassing both the advice and the bean's state).
 */
public class GearmanFunctionAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton {

	/** The bean name this post-processor is registered under. */
	public static final String BEAN_NAME = "dev.gearman.spring.internalGearmanFunctionAnnotationProcessor";

	private final Set<Class<?>> classesWithoutFunctions = ConcurrentHashMap.newKeySet();

	private final List<PendingEndpoint> pending = new ArrayList<>();

	private @Nullable ConfigurableBeanFactory beanFactory;

	private boolean singletonsInstantiated;

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
		methods.forEach((method, annotation) -> add(resolve(bean, beanName, method, annotation)));
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<PendingEndpoint> endpoints;
		synchronized (this.pending) {
			this.singletonsInstantiated = true;
			endpoints = List.copyOf(this.pending);
			this.pending.clear();
		}
		endpoints.forEach(this::register);
	}

	private void add(PendingEndpoint endpoint) {
		synchronized (this.pending) {
			if (!this.singletonsInstantiated) {
				this.pending.add(endpoint);
				return;
			}
		}
		register(endpoint);
	}

	private void register(PendingEndpoint endpoint) {
		MethodJobHandler handler = new MethodJobHandler(endpoint.beanName(), endpoint.bean(),
				endpoint.method(), endpoint.function(), beanFactory().getBean(GearmanPayloadConverter.class));
		beanFactory().getBean(GearmanWorkerRegistry.class)
			.register(new GearmanFunctionEndpoint(endpoint.id(), endpoint.function(), endpoint.concurrency(),
					endpoint.timeout(), handler));
	}

	private PendingEndpoint resolve(Object bean, String beanName, Method method, GearmanFunction annotation) {
		String where = "@GearmanFunction method '" + method.getName() + "' of bean '" + beanName + "'";
		Method invocable = invocableMethod(bean, method, where);
		String name = StringUtils.hasText(annotation.name()) ? resolve(annotation.name()) : method.getName();
		if (!StringUtils.hasText(name)) {
			throw new IllegalStateException(where + " has name '" + annotation.name()
					+ "', which resolves to an empty function name");
		}
		String id = StringUtils.hasText(annotation.id()) ? resolve(annotation.id()) : name;
		int concurrency = resolveConcurrency(annotation.concurrency(), where);
		Duration timeout = resolveTimeout(annotation.timeout(), where);
		return new PendingEndpoint(beanName, bean, invocable, name, id, concurrency, timeout);
	}

	private static Method invocableMethod(Object bean, Method method, String where) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			String fix = AopUtils.isJdkDynamicProxy(bean)
					? "declare it on an interface the bean implements, or proxy the target class"
							+ " (spring.aop.proxy-target-class=true)"
					: "make it public, protected or package-private";
			throw new IllegalStateException(where + " cannot be invoked through the bean's proxy; " + fix, ex);
		}
		if (AopUtils.isCglibProxy(bean) && Modifier.isFinal(invocable.getModifiers())
				&& !Modifier.isStatic(invocable.getModifiers())) {
			throw new IllegalStateException(where + " is final, but the bean is a CGLIB proxy (e.g. for"
					+ " @Transactional): the call would bypass the proxy and see none of the bean's state; remove"
					+ " 'final'");
		}
		return invocable;
	}

	private String resolve(String value) {
		String resolved = beanFactory().resolveEmbeddedValue(value);
		return (resolved != null) ? resolved.trim() : value;
	}

	private int resolveConcurrency(String value, String where) {
		if (!StringUtils.hasText(value)) {
			return 0;
		}
		String resolved = resolve(value);
		try {
			int result = Integer.parseInt(resolved);
			if (result >= 0) {
				return result;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalStateException(where + " has concurrency '" + value + "' = '" + resolved
				+ "' (expected: a non-negative integer, 0 for no limit of its own)");
	}

	private @Nullable Duration resolveTimeout(String value, String where) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String resolved = resolve(value);
		Duration timeout;
		try {
			timeout = DurationFormatterUtils.detectAndParse(resolved);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + " has timeout '" + value + "' = '" + resolved
					+ "' (expected: a duration such as 30s or 500ms)", ex);
		}
		if (timeout.isNegative()) {
			throw new IllegalStateException(where + " has timeout '" + value + "' = '" + resolved
					+ "' (expected: a positive duration, or zero or empty for none)");
		}
		return timeout.isZero() ? null : timeout;
	}

	private ConfigurableBeanFactory beanFactory() {
		if (this.beanFactory == null) {
			throw new IllegalStateException("No BeanFactory set");
		}
		return this.beanFactory;
	}

	/** A method found and resolved, waiting for registration. */
	private record PendingEndpoint(String beanName, Object bean, Method method, String function, String id,
			int concurrency, @Nullable Duration timeout) {
	}

}
