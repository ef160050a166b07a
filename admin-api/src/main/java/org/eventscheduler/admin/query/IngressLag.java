package org.eventscheduler.admin.query;

import java.util.List;

/**
 * How far the application is behind its inputs.
 *
 * @param partitions   per ingress partition
 * @param lagRecords   ingress records not yet processed
 * @param lagSeconds   the largest age among the oldest unprocessed record of each partition
 * @param queueDepth   records not yet processed on every topic the application reads (ingress, control,
 *                     start results and its internal repartition topics)
 */
public record IngressLag(List<PartitionLag> partitions, long lagRecords, double lagSeconds, long queueDepth) {

    /**
     * One ingress partition.
     *
     * @param lagRecords records between the committed position and the end of the partition
     * @param lagSeconds age of the oldest record not yet processed, by its timestamp; 0 when none
     */
    public record PartitionLag(int partition, long lagRecords, double lagSeconds) {
    }
}
