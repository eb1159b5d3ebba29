/*
 * Lets Intel MKL (linked into PyTorch's libtorch_cpu.so) choose its kernels from the CPU's
 * instruction sets on every vendor's CPU. MKL asks mkl_serv_intel_cpu_true() whether the CPU is an
 * Intel one and, when it is not, runs its AVX2 kernels even where the CPU has AVX-512 (AMD Zen 4/5).
 * bin/ckcoop preloads this library on AMD CPUs (opt out: CKCOOP_MKL_INTEL_PATHS=0); MKL still reads
 * the instruction sets from CPUID, so a CPU without AVX-512 keeps its AVX2 kernels. Measured on the
 * project's 2-core AMD EPYC: [2048, 2048] @ [2048, 2048] F32 from 128 to 188 GFLOP/s (median of 8).
 */
int mkl_serv_intel_cpu_true(void) {
  return 1;
}
