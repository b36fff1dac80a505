#include "valuemodel.h"

#include "keydisplay.h"
#include "plural.h"
#include "sentinel/masterlink.h"
#include "values/valueformat.h"

namespace {
// With a filter, one request reads at most this many pages looking for rows to show.
constexpr int filteredPagesPerRequest = 20;
} // namespace

ValueModel::ValueModel(MasterLink *link, QObject *parent)
    : QAbstractTableModel(parent)
    , m_link(link)
{
}

ValueModel::~ValueModel() = default;

QString ValueModel::cellText(const QByteArray &bytes, int maxChars)
{
    if (ValueFormat::isBinary(bytes)) {
        const int shown = static_cast<int>(qMin<qsizetype>(bytes.size(), maxChars / 3));
        QString hex = QString::fromLatin1(bytes.left(shown).toHex(' '));
        if (shown < bytes.size())
            hex += QStringLiteral(" …");
        return QStringLiteral("hex: ") + hex;
    }
    const QString text = KeyDisplay::escape(bytes.left(maxChars * 4));
    if (text.size() > maxChars)
        return text.left(maxChars) + QStringLiteral("…");
    return text;
}

void ValueModel::clear()
{
    beginResetModel();
    ++m_generation;
    m_rows.clear();
    m_pager.reset();
    m_loading = false;
    m_error.clear();
    endResetModel();
}

void ValueModel::load(const QByteArray &key, ValueType type, const QByteArray &pattern)
{
    beginResetModel();
    ++m_generation;
    m_key = key;
    m_type = type;
    m_pattern = pattern;
    m_rows.clear();
    m_pager.emplace(key, type, pattern);
    m_loading = false;
    m_error.clear();
    endResetModel();
    requestPage(filteredPagesPerRequest);
}

void ValueModel::reload()
{
    if (m_pager)
        load(m_key, m_type, m_pattern);
}

void ValueModel::loadMore()
{
    if (m_error.isEmpty())
        requestPage(filteredPagesPerRequest);
}

void ValueModel::requestPage(int pagesLeft)
{
    if (!m_pager || m_pager->atEnd() || m_loading)
        return;
    m_loading = true;
    const quint64 generation = m_generation;
    const RespCommand command = m_pager->nextCommand();
    m_link->send(command, [this, generation, pagesLeft](const RespResult &result) {
        if (generation != m_generation || !m_pager)
            return;
        m_loading = false;
        if (result.error.isError()) {
            m_error = result.error.toString();
            Q_EMIT loadFailed(m_error);
            return;
        }
        QList<ValueRow> rows;
        QString problem;
        if (!m_pager->consume(result.value, &rows, &problem)) {
            m_error = tr("%1: reading the value failed: %2").arg(m_link->master().toString(), problem);
            Q_EMIT loadFailed(m_error);
            return;
        }
        const bool found = !rows.isEmpty();
        append(std::move(rows));
        // A filter that matched nothing on this page: keep looking, a bounded number of pages.
        if (!found && !m_pager->atEnd() && pagesLeft > 1)
            return requestPage(pagesLeft - 1);
        Q_EMIT pageLoaded();
    });
}

void ValueModel::append(QList<ValueRow> rows)
{
    if (rows.isEmpty())
        return;
    const bool sortByScore = m_type == ValueType::ZSet && !m_pattern.isEmpty();
    if (!sortByScore) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
        m_rows.append(std::move(rows));
        endInsertRows();
        return;
    }
    // ZSCAN returns members in no order: put each in its place, so the table stays sorted by score, then member.
    const auto before = [](const ValueRow &a, const ValueRow &b) {
        return a.score != b.score ? a.score < b.score : a.value < b.value;
    };
    for (ValueRow &row : rows) {
        const auto at = std::lower_bound(m_rows.begin(), m_rows.end(), row, before);
        const int position = static_cast<int>(at - m_rows.begin());
        beginInsertRows({}, position, position);
        m_rows.insert(position, std::move(row));
        endInsertRows();
    }
}

int ValueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ValueModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_type == ValueType::Set ? 1 : 2;
}

QByteArray ValueModel::rawCell(const ValueRow &row, int column) const
{
    switch (m_type) {
    case ValueType::Hash:
        return column == 0 ? row.name : row.value;
    case ValueType::List:
        return column == 0 ? QByteArray::number(row.index) : row.value;
    case ValueType::Set:
        return row.value;
    case ValueType::ZSet:
        return column == 0 ? row.value : ValueFormat::score(row.score);
    case ValueType::Stream: {
        if (column == 0)
            return row.name;
        QByteArray joined;
        for (qsizetype i = 0; i + 1 < row.fields.size(); i += 2) {
            if (!joined.isEmpty())
                joined += "  ";
            joined += row.fields.at(i) + '=' + row.fields.at(i + 1);
        }
        return joined;
    }
    default:
        return {};
    }
}

QVariant ValueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ValueRow &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        if (m_type == ValueType::Stream && index.column() == 1) {
            // Each field and value escaped on its own, so a "=" inside one cannot pass for a separator.
            QStringList parts;
            for (qsizetype i = 0; i + 1 < row.fields.size(); i += 2)
                parts.append(cellText(row.fields.at(i), 60) + QLatin1Char('=') + cellText(row.fields.at(i + 1), 80));
            return parts.join(QStringLiteral("  "));
        }
        return cellText(rawCell(row, index.column()));
    case Qt::ToolTipRole: {
        const QByteArray raw = rawCell(row, index.column());
        if (ValueFormat::isBinary(raw))
            return tr("Binary, %1").arg(countOf(raw.size(), tr("byte"), tr("bytes")));
        return raw.size() > 200 ? tr("%1; select it to see all of it").arg(countOf(raw.size(), tr("byte"), tr("bytes")))
                                : QVariant();
    }
    case Qt::TextAlignmentRole:
        if ((m_type == ValueType::List && index.column() == 0) || (m_type == ValueType::ZSet && index.column() == 1))
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RawRole:
        return rawCell(row, index.column());
    default:
        return {};
    }
}

QVariant ValueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (m_type) {
    case ValueType::Hash:
        return section == 0 ? tr("Field") : tr("Value");
    case ValueType::List:
        return section == 0 ? tr("Index") : tr("Element");
    case ValueType::Set:
        return tr("Member");
    case ValueType::ZSet:
        return section == 0 ? tr("Member") : tr("Score");
    case ValueType::Stream:
        return section == 0 ? tr("Entry ID") : tr("Fields");
    default:
        return {};
    }
}
