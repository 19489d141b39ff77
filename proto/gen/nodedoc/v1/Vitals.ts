// Original file: nodedoc/v1/report.proto


/**
 * A handful of numbers per report, typed so the collector can chart and compare nodes without parsing
 * the full samples. Every field is optional: unset means the signal was not ok this cycle.
 */
export interface Vitals {
  /**
   * PSI cpu "some" avg10, 0-1.
   */
  'cpuPressureRatio'?: (number | string);
  /**
   * Share of CPU time not idle since the previous sample, 0-1.
   */
  'cpuBusyRatio'?: (number | string);
  'memoryAvailableBytes'?: (number | string);
  'memoryTotalBytes'?: (number | string);
  /**
   * PSI memory "full" avg10, 0-1.
   */
  'memoryPressureRatio'?: (number | string);
  /**
   * The fullest watched filesystem's used share, 0-1.
   */
  'diskUsedRatio'?: (number | string);
  /**
   * The watched filesystem with the fewest free inodes: its used share, 0-1.
   */
  'inodesUsedRatio'?: (number | string);
  /**
   * PSI io "full" avg10, 0-1.
   */
  'ioPressureRatio'?: (number | string);
  /**
   * nf_conntrack_count / nf_conntrack_max, 0-1.
   */
  'conntrackUtilizationRatio'?: (number | string);
  /**
   * The slowest DNS server's p95 probe latency over the agent's window, seconds.
   */
  'dnsP95Seconds'?: (number | string);
  /**
   * The worst DNS server's failure share over the agent's window, 0-1.
   */
  'dnsFailureRatio'?: (number | string);
  /**
   * Threads against the lower of pid_max and threads-max, 0-1.
   */
  'threadsRatio'?: (number | string);
  '_cpuPressureRatio'?: "cpuPressureRatio";
  '_cpuBusyRatio'?: "cpuBusyRatio";
  '_memoryAvailableBytes'?: "memoryAvailableBytes";
  '_memoryTotalBytes'?: "memoryTotalBytes";
  '_memoryPressureRatio'?: "memoryPressureRatio";
  '_diskUsedRatio'?: "diskUsedRatio";
  '_inodesUsedRatio'?: "inodesUsedRatio";
  '_ioPressureRatio'?: "ioPressureRatio";
  '_conntrackUtilizationRatio'?: "conntrackUtilizationRatio";
  '_dnsP95Seconds'?: "dnsP95Seconds";
  '_dnsFailureRatio'?: "dnsFailureRatio";
  '_threadsRatio'?: "threadsRatio";
}

/**
 * A handful of numbers per report, typed so the collector can chart and compare nodes without parsing
 * the full samples. Every field is optional: unset means the signal was not ok this cycle.
 */
export interface Vitals__Output {
  /**
   * PSI cpu "some" avg10, 0-1.
   */
  'cpuPressureRatio'?: (number);
  /**
   * Share of CPU time not idle since the previous sample, 0-1.
   */
  'cpuBusyRatio'?: (number);
  'memoryAvailableBytes'?: (number);
  'memoryTotalBytes'?: (number);
  /**
   * PSI memory "full" avg10, 0-1.
   */
  'memoryPressureRatio'?: (number);
  /**
   * The fullest watched filesystem's used share, 0-1.
   */
  'diskUsedRatio'?: (number);
  /**
   * The watched filesystem with the fewest free inodes: its used share, 0-1.
   */
  'inodesUsedRatio'?: (number);
  /**
   * PSI io "full" avg10, 0-1.
   */
  'ioPressureRatio'?: (number);
  /**
   * nf_conntrack_count / nf_conntrack_max, 0-1.
   */
  'conntrackUtilizationRatio'?: (number);
  /**
   * The slowest DNS server's p95 probe latency over the agent's window, seconds.
   */
  'dnsP95Seconds'?: (number);
  /**
   * The worst DNS server's failure share over the agent's window, 0-1.
   */
  'dnsFailureRatio'?: (number);
  /**
   * Threads against the lower of pid_max and threads-max, 0-1.
   */
  'threadsRatio'?: (number);
  '_cpuPressureRatio'?: "cpuPressureRatio";
  '_cpuBusyRatio'?: "cpuBusyRatio";
  '_memoryAvailableBytes'?: "memoryAvailableBytes";
  '_memoryTotalBytes'?: "memoryTotalBytes";
  '_memoryPressureRatio'?: "memoryPressureRatio";
  '_diskUsedRatio'?: "diskUsedRatio";
  '_inodesUsedRatio'?: "inodesUsedRatio";
  '_ioPressureRatio'?: "ioPressureRatio";
  '_conntrackUtilizationRatio'?: "conntrackUtilizationRatio";
  '_dnsP95Seconds'?: "dnsP95Seconds";
  '_dnsFailureRatio'?: "dnsFailureRatio";
  '_threadsRatio'?: "threadsRatio";
}
