/**
 * Reading and writing the safetensors format: a memory-mapped reader that widens F16 and BF16 to
 * F32 in Java (never through the engine, where BF16 would crash the JVM) and an atomic writer.
 *
 * <p>Format: an 8-byte little-endian header length, a JSON header mapping tensor names to
 * {@code dtype}, {@code shape} and {@code data_offsets} (relative to the end of the header) plus an
 * optional {@code __metadata__} string map, then the raw little-endian data.
 */
package org.ckcoop.backbone.safetensors;
