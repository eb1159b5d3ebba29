/**
 * The DJL PyTorch engine as every module starts it: offline, from the Maven native artifact
 * ({@link org.ckcoop.common.engine.EngineRuntime}), and the one door through which Java data enters
 * it ({@link org.ckcoop.common.engine.EngineArrays}).
 */
package org.ckcoop.common.engine;
