package org.ckcoop.backbone;

import org.ckcoop.common.engine.EngineRuntime;

import org.ckcoop.backbone.model.Precision;

/**
 * How to place and run a backbone: the device option ({@code cpu}, {@code gpu}, {@code gpu:N},
 * {@code auto}) and the compute precision.
 *
 * @param device the device option, resolved by {@link EngineRuntime#device(String)}
 * @param precision FP32 (default, faithful) or FP16 (GPU only)
 */
public record BackboneOptions(String device, Precision precision) {

  /** The first GPU when the machine has one, else the CPU; FP32. */
  public static BackboneOptions defaults() {
    return new BackboneOptions("auto", Precision.FP32);
  }

  /** Returns a copy with another device option. */
  public BackboneOptions withDevice(String option) {
    return new BackboneOptions(option, precision);
  }

  /** Returns a copy with another precision. */
  public BackboneOptions withPrecision(Precision value) {
    return new BackboneOptions(device, value);
  }
}
