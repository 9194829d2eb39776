"""MagNet's refinement module in PyTorch, written from docs/magnet-reference.md section 6."""
import torch
import torch.nn as nn
import torch.nn.functional as F

MOMENTUM = 0.01


class Bottleneck(nn.Module):
    def __init__(self, inplanes, planes):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes, momentum=MOMENTUM)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, momentum=MOMENTUM)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4, momentum=MOMENTUM)
        self.downsample = None
        if inplanes != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, bias=False), nn.BatchNorm2d(planes * 4, momentum=MOMENTUM))

    def forward(self, x):
        r = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        return F.relu(self.bn3(self.conv3(y)) + r)


class RefinementMagNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.bn0 = nn.BatchNorm2d(2 * n_classes, momentum=MOMENTUM)
        self.conv1 = nn.Conv2d(2 * n_classes, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64, momentum=MOMENTUM)
        self.conv2 = nn.Conv2d(64, 64, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(64, momentum=MOMENTUM)
        self.residual = nn.Sequential(Bottleneck(64, 32), Bottleneck(128, 32))
        self.seg_conv = nn.Conv2d(128, n_classes, 1, bias=False)

    def forward(self, fine, coarse):
        x = self.bn0(torch.cat([fine, coarse], 1))
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return self.seg_conv(self.residual(x))
