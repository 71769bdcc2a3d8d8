// Class statistics of points against labelled data (core/class_clusters.h) on sets with known answers.
#include "core/class_clusters.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace dlab {
namespace {

// Two classes: class 0 around (-5, 0), class 1 around (5, 0), 50 points each, spread 0.5.
void two_clusters(std::vector<float>* xy, std::vector<int>* labels, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  for (int i = 0; i < 100; ++i) {
    const int label = i % 2;
    xy->push_back((label == 0 ? -5.0f : 5.0f) + normal(rng));
    xy->push_back(normal(rng));
    labels->push_back(label);
  }
}

TEST(ClassClusters, NearestDataLabels) {
  const std::vector<float> data{0, 0, 10, 0};
  const std::vector<int> labels{3, 7};
  EXPECT_EQ(nearest_data_labels({1, 1, 9, -1, 4.9f, 0}, data, labels), (std::vector<int>{3, 7, 3}));
  EXPECT_TRUE(nearest_data_labels({1, 1}, {}, {}).empty());
}

TEST(ClassClusters, AgreementIsOneOnTheDataAndChanceWhenTheLabelsAreShuffled) {
  std::vector<float> data;
  std::vector<int> labels;
  two_clusters(&data, &labels, 1);
  EXPECT_DOUBLE_EQ(label_agreement(data, labels, data, labels), 1.0);
  // Every point claims the other class: none agrees.
  std::vector<int> wrong(labels);
  for (int& label : wrong) label = 1 - label;
  EXPECT_DOUBLE_EQ(label_agreement(data, wrong, data, labels), 0.0);
  EXPECT_DOUBLE_EQ(chance_agreement(labels), 0.5);          // 0.5^2 + 0.5^2
  EXPECT_DOUBLE_EQ(chance_agreement({0, 0, 0, 1}), 0.625);  // 0.75^2 + 0.25^2
  EXPECT_DOUBLE_EQ(chance_agreement({}), -1.0);
  EXPECT_DOUBLE_EQ(label_agreement({}, {}, data, labels), -1.0);
}

TEST(ClassClusters, PurityIsOneOnSeparatedClustersAndAHalfBetweenThem) {
  std::vector<float> data;
  std::vector<int> labels;
  two_clusters(&data, &labels, 2);
  // The data themselves (each point's own entry left out): all 10 neighbours are of its class.
  EXPECT_DOUBLE_EQ(knn_class_purity(data, data, labels, 10), 1.0);
  // Two columns of ten points, class 0 at x = -1 and class 1 at x = 1 (y = 0..9): half-way between them at
  // y = 4.5 the 8 nearest are y = 3..6 of both columns, four of each class.
  std::vector<float> columns;
  std::vector<int> column_labels;
  for (int side = 0; side < 2; ++side)
    for (int j = 0; j < 10; ++j) {
      columns.push_back(side == 0 ? -1.0f : 1.0f);
      columns.push_back(static_cast<float>(j));
      column_labels.push_back(side);
    }
  EXPECT_DOUBLE_EQ(knn_class_purity({0.0f, 4.5f}, columns, column_labels, 8), 0.5);
  // Next to the left column, all 4 nearest are its own.
  EXPECT_DOUBLE_EQ(knn_class_purity({-0.9f, 4.5f}, columns, column_labels, 4), 1.0);
  std::vector<float> middle{0.0f, 4.5f};
  // Too few data for k.
  EXPECT_DOUBLE_EQ(knn_class_purity(middle, {0, 0, 1, 1}, {0, 1}, 10), -1.0);
}

TEST(ClassClusters, Shares) {
  EXPECT_EQ(class_shares({0, 2, 2, 2}, 3), (std::vector<double>{0.25, 0.0, 0.75}));
  EXPECT_EQ(class_shares({0, 5}, 2), (std::vector<double>{0.5, 0.0}));  // 5 is outside 0..1: not counted
}

}  // namespace
}  // namespace dlab
