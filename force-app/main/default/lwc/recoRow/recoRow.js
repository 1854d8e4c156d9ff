import { LightningElement, api } from 'lwc';

const CONFIDENCE_LABELS = { High: 'High confidence', Medium: 'Medium confidence', Low: 'Low confidence' };

export default class RecoRow extends LightningElement {
    @api recommendation;

    evidenceShown = false;
    dismissing = false;

    get scorePercent() {
        return Math.round(Math.min(Math.max(this.recommendation.score, 0), 1) * 100);
    }

    get confidenceLabel() {
        return CONFIDENCE_LABELS[this.recommendation.confidence] || 'Confidence unknown';
    }

    get hasRevenue() {
        const revenue = this.recommendation.expectedRevenue;
        return revenue !== undefined && revenue !== null;
    }

    get evidenceExpanded() {
        return String(this.evidenceShown);
    }

    get evidenceToggleLabel() {
        return this.evidenceShown ? 'Hide evidence' : 'Show evidence';
    }

    get acceptLabel() {
        return this.recommendation.accepted ? 'Accepted' : 'Accept';
    }

    toggleEvidence() {
        this.evidenceShown = !this.evidenceShown;
    }

    handleAccept() {
        this.dispatchEvent(new CustomEvent('accept', { detail: { id: this.recommendation.id } }));
    }

    startDismiss() {
        this.dismissing = true;
    }

    cancelDismiss() {
        this.dismissing = false;
    }

    confirmDismiss(event) {
        this.dismissing = false;
        const detail = { id: this.recommendation.id, reason: event.detail.reason };
        this.dispatchEvent(new CustomEvent('dismiss', { detail }));
    }
}
