/**
 * The annotations: {@link dev.gearman.spring.annotation.GearmanFunction} on bean methods that serve Gearman jobs,
 * {@link dev.gearman.spring.annotation.GearmanExchange} on interfaces whose methods call them (typed clients, see
 * {@link dev.gearman.spring.service.ImportGearmanServices}).
 */
@NullMarked
package dev.gearman.spring.annotation;

import org.jspecify.annotations.NullMarked;
