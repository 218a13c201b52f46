/**
 * Typed Gearman clients: interfaces annotated with {@link dev.gearman.spring.annotation.GearmanExchange} turned
 * into proxies that call their functions through a {@link dev.gearman.spring.core.GearmanTemplate}, and
 * {@link dev.gearman.spring.service.ImportGearmanServices}, which registers them as beans.
 */
@NullMarked
package dev.gearman.spring.service;

import org.jspecify.annotations.NullMarked;
