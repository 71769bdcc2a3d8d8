// Class statistics of points in the plane against labelled data (issue 12: the latent codes of the
// Fashion-MNIST test images, each with its garment's class): do the points lie on the data's class clusters?
// For the Latent view's read-outs and its --stats-out. Torch-free: plain float arrays (x, y pairs).
#pragma once

#include <cstddef>
#include <vector>

namespace dlab {

// The label of each point's nearest data point: the 1-nearest-neighbour rule (Cover & Hart 1967). Empty when
// there are no data; labels has one entry per data point.
std::vector<int> nearest_data_labels(const std::vector<float>& xy, const std::vector<float>& data,
                                     const std::vector<int>& labels);

// The fraction of points whose nearest data point has the point's own label (own: one per point; forward, the
// class of the code it started from). 1 for the data themselves; about chance_agreement for points that have
// forgotten where they came from (x_T). -1 without points or data.
double label_agreement(const std::vector<float>& xy, const std::vector<int>& own,
                       const std::vector<float>& data, const std::vector<int>& labels);

// The agreement of labels independent of the positions: sum_c p_c^2, p_c the share of class c in `labels`
// (0.1 for ten equal classes). -1 without labels.
double chance_agreement(const std::vector<int>& labels);

// k-NN class purity: over the first max_points points, the mean of the largest share one class has among the
// point's k nearest data points (data points at distance 0, the point itself when the points are the data,
// are left out). Near the data's own purity for points on the class clusters; lower for points between them.
// -1 without points or with fewer than k data points.
double knn_class_purity(const std::vector<float>& xy, const std::vector<float>& data,
                        const std::vector<int>& labels, int k = 10, std::size_t max_points = 2000);

// The share of each class 0..classes-1 among `labels` (labels outside the range are not counted).
std::vector<double> class_shares(const std::vector<int>& labels, int classes);

}  // namespace dlab
